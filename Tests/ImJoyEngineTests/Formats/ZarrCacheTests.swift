import Foundation
import ImageIO
import TestSupport
import Testing

@testable import ImJoyEngine

/// A Zarr input's cache key comes from its files' contents: a changed store reruns what reads it.
@Suite struct ZarrCacheTests {
    @Test func changedStoreRerunsItsOps() throws {
        let fixture = try RunFixture(
            count: 1,
            workflow: """
                {"name": "z", "version": "1.0", "inputs": {"images": {"glob": "*.zarr"}},
                 "ops": [{"id": "load", "builtin": "read-zarr"}, {"id": "smooth", "builtin": "gaussian", "config": {"sigma": 1}}]}
                """)
        defer { fixture.remove() }
        let store = fixture.directory.appendingPathComponent("a.zarr")
        try OMEZarr.write(try NDArray(shape: [6, 5], elements: (0..<30).map { UInt8($0) }), to: store)
        let cold = try fixture.run()
        #expect(cold.status == .succeeded && cold.cache?.misses == 1, "\(String(describing: cold.cache))")
        let warm = try fixture.run()
        #expect(warm.cache?.hits == 1 && warm.cache?.misses == 0, "\(String(describing: warm.cache))")
        try OMEZarr.write(try NDArray(shape: [6, 5], elements: (0..<30).map { UInt8(29 - $0) }), to: store)
        let changed = try fixture.run()
        #expect(changed.cache?.hits == 0 && changed.cache?.misses == 1, "\(String(describing: changed.cache))")
        let expected = try GaussianKernel.apply(try ZarrFormat().read(store, name: nil), sigma: [1], truncate: 4, mode: .reflect)
        #expect(try TIFFFormat().read(fixture.out.appendingPathComponent("a/smooth.tif"), name: nil) == expected)
    }
}
