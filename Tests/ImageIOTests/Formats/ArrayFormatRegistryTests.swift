import Foundation
import TestSupport
import Testing

@testable import ImageIO

@Suite("array format registry") struct ArrayFormatRegistryTests {
    let registry = ArrayFormatRegistry.standard

    @Test func namesExtensionsAndAliases() throws {
        #expect(registry.names == ["tiff", "hdf5", "zarr"])
        #expect(registry.format(named: "OME-Zarr")?.name == "zarr")
        #expect(registry.format(for: URL(fileURLWithPath: "/x/a.ome.zarr"))?.name == "zarr")
        #expect(ZarrFormat().storage == .directory && ZarrFormat().capabilities.contains(.sharedAcrossItems))
        #expect(registry.format(named: "TIF")?.name == "tiff")
        #expect(registry.format(named: "h5")?.name == "hdf5")
        #expect(registry.format(named: "json") == nil)
        #expect(registry.format(for: URL(fileURLWithPath: "/x/a.TIFF"))?.name == "tiff")
        #expect(registry.format(for: URL(fileURLWithPath: "/x/a.hdf5"))?.name == "hdf5")
        #expect(registry.format(for: URL(fileURLWithPath: "/x/a.png")) == nil)
        #expect(HDF5Format().capabilities.contains(.sharedAcrossItems) && !TIFFFormat().capabilities.contains(.namedArrays))
    }

    @Test func compressionDefaultsAndLimitsLiveHere() throws {
        let tiff = TIFFFormat()
        let hdf5 = HDF5Format()
        #expect(try tiff.compression(named: nil, level: nil) == .deflate(level: 6))
        #expect(try tiff.compression(named: "zstd", level: nil) == .zstd(level: 9))
        #expect(try tiff.compression(named: "lzw", level: 5) == .lzw)
        #expect(throws: ArrayFormatError.levelOutOfRange(format: "tiff", compression: "deflate", level: 13, range: 1...12)) {
            try tiff.compression(named: "deflate", level: 13)
        }
        #expect(try hdf5.compression(named: "deflate", level: nil) == .deflate(level: 4))
        #expect(throws: ArrayFormatError.self) { try hdf5.compression(named: "zstd", level: nil) }
        let zarr = ZarrFormat()
        #expect(try zarr.compression(named: nil, level: nil) == .blosc(level: 5))
        #expect(try zarr.compression(named: "zstd", level: nil) == .zstd(level: 3))
        #expect(throws: ArrayFormatError.self) { try zarr.compression(named: "blosc", level: 10) }
        #expect(throws: ArrayFormatError.self) { try zarr.compression(named: "deflate", level: nil) }
        #expect(try ZarrFormat.compressor(.blosc(level: 5)) == .bloscDefault)
    }

    @Test(arguments: ["tif", "h5"])
    func writesAndReadsThroughTheRegistry(_ ext: String) throws {
        let folder = try Fixtures.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: folder) }
        let url = folder.appendingPathComponent("a.\(ext)")
        let format = try #require(registry.format(for: url))
        let array = try NDArray(shape: [3, 4], elements: (0..<12).map { UInt16($0) })
        try format.write(array, to: url, options: ArrayWriteOptions(provenance: #"{"p": 1}"#))
        #expect(try format.read(url, name: nil) == array)
        #expect(try format.arrayNames(in: url) == (ext == "h5" ? ["/data"] : []))
    }
}
