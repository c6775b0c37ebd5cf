import Foundation
import Testing

@testable import ImageIO

@Suite("Zarr round trips")
struct ZarrRoundTripTests {
    static let compressors: [ZarrCompressor] = [
        .none, .zstd(level: 3), .bloscDefault, .blosc(compressor: .zstd, level: 5, shuffle: .bitshuffle),
    ]

    @Test("write then read gives the same array, every format and compressor", arguments: ZarrArrayMetadata.Format.allCases, compressors)
    func roundTrip(format: ZarrArrayMetadata.Format, compressor: ZarrCompressor) throws {
        let folder = try ZarrTestSupport.makeFolder()
        defer { ZarrTestSupport.remove(folder) }
        let store = folder.appendingPathComponent("image.zarr")
        let array = try ZarrTestSupport.ramp([5, 37, 41])
        let axes = [
            OMEAxis(name: "z", type: "space", unit: "micrometer"), OMEAxis(name: "y", type: "space", unit: "micrometer"),
            OMEAxis(name: "x", type: "space", unit: "micrometer"),
        ]
        try OMEZarr.write(
            array, axes: axes, scale: [2, 0.5, 0.25], to: store,
            options: OMEZarrWriteOptions(format: format, chunkShape: [2, 16, 16], compressor: compressor, pyramidLevels: 1))
        let (read, metadata) = try OMEZarr.read(store)
        #expect(read == array)
        #expect(metadata.axes == axes)
        #expect(metadata.datasets.map(\.scale) == [[2, 0.5, 0.25], [2, 1, 0.5]])
        #expect(metadata.version == (format == .v2 ? "0.4" : "0.5"))
        let image = try OMEZarrImage(store: store)
        #expect(image.levels.map(\.metadata.shape) == [[5, 37, 41], [5, 19, 21]])
        #expect(image.levels[0].metadata.compressor == compressor)
        // No temporary sibling is left behind.
        #expect(try FileManager.default.contentsOfDirectory(atPath: folder.path) == ["image.zarr"])
    }

    @Test("a region read touches only its chunks and equals the sub-box")
    func regionRead() throws {
        let folder = try ZarrTestSupport.makeFolder()
        defer { ZarrTestSupport.remove(folder) }
        let store = folder.appendingPathComponent("r.zarr")
        let array = try ZarrTestSupport.ramp([4, 30, 30])
        try OMEZarr.write(array, to: store, options: OMEZarrWriteOptions(format: .v3, chunkShape: [1, 10, 10]))
        // Delete a chunk outside the region: the region still reads, so it was never touched.
        try FileManager.default.removeItem(at: store.appendingPathComponent("0/c/3/2/2"))
        let region = try OMEZarrImage(store: store).read(origin: [1, 5, 12], shape: [2, 10, 7])
        let all = try array.elements(as: UInt16.self)
        let part = try region.elements(as: UInt16.self)
        var expected: [UInt16] = []
        for z in 1..<3 { for y in 5..<15 { for x in 12..<19 { expected.append(all[z * 900 + y * 30 + x]) } } }
        #expect(part == expected)
        // The missing chunk reads as the fill value.
        let missing = try OMEZarrImage(store: store).read(origin: [3, 20, 20], shape: [1, 10, 10])
        #expect(try missing.elements(as: UInt16.self).allSatisfy { $0 == 0 })
    }

    @Test("float and bool arrays and the mean/nearest pyramid")
    func otherTypes() throws {
        let folder = try ZarrTestSupport.makeFolder()
        defer { ZarrTestSupport.remove(folder) }
        let floats = try NDArray(shape: [3, 4], elements: (0..<12).map { Float($0) * 0.5 - 1 })
        let store = folder.appendingPathComponent("f.zarr")
        try OMEZarr.write(floats, to: store, options: OMEZarrWriteOptions(format: .v3, pyramidLevels: 1))
        #expect(try OMEZarr.read(store).array == floats)
        let half = try OMEZarr.read(store, level: 1).array
        #expect(half.shape == [2, 2])
        // Mean of [[-1, -0.5], [1, 1.5]] = 0.25.
        #expect(try half.elements(as: Float.self)[0] == 0.25)
        let flags = try NDArray(shape: [2, 3], elements: [true, false, true, false, false, true])
        try OMEZarr.write(flags, to: store, options: OMEZarrWriteOptions(format: .v2, downsampling: .nearest))
        #expect(try OMEZarr.read(store).array == flags)
    }

    @Test("images added to one collection store are all listed")
    func collection() throws {
        let folder = try ZarrTestSupport.makeFolder()
        defer { ZarrTestSupport.remove(folder) }
        let store = folder.appendingPathComponent("plate.zarr")
        let array = try ZarrTestSupport.ramp([8, 8])
        DispatchQueue.concurrentPerform(iterations: 6) { index in
            try? OMEZarr.add(array, named: "item\(index)", toCollection: store, options: OMEZarrWriteOptions(format: .v3))
        }
        #expect(try OMEZarr.images(inCollection: store) == (0..<6).map { "item\($0)" })
        #expect(try OMEZarr.read(store.appendingPathComponent("item3")).array == array)
        #expect(throws: ZarrError.self) { try OMEZarr.add(array, named: "v2", toCollection: store, options: .init(format: .v2)) }
    }
}
