import Foundation
import TestSupport
import Testing

@testable import ImageIO

@Suite("files tifffile writes read back bit-exact")
struct TIFFReaderCrossCheckTests {
    /// tifffile.imwrite keyword arguments, with the array's shape and dtype.
    static let variants: [(label: String, shape: [Int], dtype: String, kwargs: String)] = [
        ("strips uncompressed", [4, 33, 45], "uint16", #"{"rowsperstrip": 7}"#),
        ("tiles", [2, 70, 90], "uint8", #"{"tile": [32, 32]}"#),
        ("tiles deflate float32", [3, 50, 40], "float32", #"{"tile": [16, 16], "compression": "zlib"}"#),
        ("planar RGB", [3, 20, 30], "uint8", #"{"photometric": "rgb", "planarconfig": "separate"}"#),
        ("chunky RGB", [20, 30, 3], "uint16", #"{"photometric": "rgb"}"#),
        ("BigTIFF", [3, 25, 26], "int32", #"{"bigtiff": true}"#),
        ("LZW", [2, 64, 64], "uint16", #"{"compression": "lzw"}"#),
        ("deflate + predictor", [2, 64, 64], "uint16", #"{"compression": "zlib", "predictor": true}"#),
        ("zstd", [2, 40, 41], "int16", #"{"compression": "zstd"}"#),
        ("packbits", [2, 40, 41], "uint8", #"{"compression": "packbits"}"#),
        ("float predictor", [2, 32, 32], "float64", #"{"compression": "zlib", "predictor": 3}"#),
        ("float16", [2, 32, 32], "float16", #"{}"#),
        ("int8", [2, 12, 13], "int8", #"{"compression": "lzw"}"#),
        ("uint64 big-endian", [2, 12, 13], "uint64", #"{"byteorder": ">"}"#),
        ("int64 tiles", [40, 40], "int64", #"{"tile": [16, 16], "compression": "zstd"}"#),
        ("uint32 big-endian deflate", [3, 10, 11], "uint32", #"{"byteorder": ">", "compression": "zlib"}"#),
        ("ImageJ hyperstack", [2, 3, 4, 16, 16], "uint16", #"{"imagej": true}"#),
    ]

    @Test("tifffile variant", PythonCheck.required, arguments: variants.indices)
    func readTifffileOutput(index: Int) throws {
        try #require(PythonCheck.isAvailable || true)
        let variant = Self.variants[index]
        let directory = try Fixtures.temporaryDirectory("tiff-read")
        defer { try? FileManager.default.removeItem(at: directory) }
        let url = directory.appendingPathComponent("in.tif")
        let spec = #"{"shape": \#(variant.shape), "dtype": "\#(variant.dtype)", "seed": \#(index), "kwargs": \#(variant.kwargs)}"#
        let expected = try PythonCheck.write("write-tiff", to: url, spec: spec)
        let image = try TIFFReader.read(contentsOf: url)
        #expect(image.array.shape == expected.shape, "\(variant.label)")
        #expect(image.array.dtype == expected.dtype, "\(variant.label)")
        #expect(image.array == expected, "\(variant.label): pixels differ")
    }
}
