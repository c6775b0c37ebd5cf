import Foundation
import ImJoySchema
import TestSupport
import Testing

@testable import ImageIO

@Suite("TIFF writes read back bit-exact in tifffile and here")
struct TIFFRoundTripTests {
    static let tiffDTypes: [DType] = DType.allCases.filter { $0 != .bool }
    static let compressions: [Compression] = [.none, .deflate(level: 6), .deflate(level: 1), .lzw, .zstd(level: 5)]

    @Test("every dtype × compression", PythonCheck.required, arguments: tiffDTypes, compressions)
    func writeThenReadEverywhere(dtype: DType, compression: Compression) throws {
        let directory = try Fixtures.temporaryDirectory("tiff-rt")
        defer { try? FileManager.default.removeItem(at: directory) }
        let url = directory.appendingPathComponent("stack.tif")
        let array = try makeTestArray(shape: [3, 37, 53], dtype: dtype, seed: 7)
        var options = TIFFWriter.Options(compression: compression)
        options.rowsPerStrip = 5
        try TIFFWriter.write(array, to: url, options: options)

        let back = try TIFFReader.read(contentsOf: url)
        #expect(back.array == array)
        #expect(back.pageCount == 3)

        let (facts, bytes) = try PythonCheck.readTIFF(url)
        #expect(facts["shape"]?.arrayValue?.compactMap(\.intValue) == [3, 37, 53])
        #expect(facts["dtype"]?.stringValue == dtype.rawValue)
        #expect(facts["pages"]?.intValue == 3)
        let expectedCompression =
            switch compression {
            case .none: "NONE"
            case .deflate: "ADOBE_DEFLATE"
            case .lzw: "LZW"
            case .zstd: "ZSTD"
            case .blosc: "not a TIFF compression"
            }
        #expect(facts["compression"]?.stringValue == expectedCompression)
        #expect(array.withUnsafeBytes { Array($0) } == bytes, "tifffile read different pixels")
    }

    @Test("a single page is a 2-d array")
    func singlePage() throws {
        let directory = try Fixtures.temporaryDirectory("tiff-rt")
        defer { try? FileManager.default.removeItem(at: directory) }
        let url = directory.appendingPathComponent("page.tif")
        let array = try makeTestArray(shape: [64, 48], dtype: .uint8)
        try TIFFWriter.write(array, to: url)
        let back = try TIFFReader.read(contentsOf: url)
        #expect(back.array.shape == [64, 48])
        #expect(back.array == array)
    }

    @Test("BigTIFF on request", PythonCheck.required)
    func bigTIFF() throws {
        let directory = try Fixtures.temporaryDirectory("tiff-rt")
        defer { try? FileManager.default.removeItem(at: directory) }
        let url = directory.appendingPathComponent("big.tif")
        let array = try makeTestArray(shape: [2, 30, 20], dtype: .float32)
        try TIFFWriter.write(array, to: url, options: .init(compression: .deflate(level: 4), bigTIFF: true))
        let header = try [UInt8](Data(contentsOf: url).prefix(4))
        #expect(header == [0x49, 0x49, 43, 0], "BigTIFF magic 43")
        #expect(try TIFFReader.read(contentsOf: url).array == array)
        let (facts, bytes) = try PythonCheck.readTIFF(url)
        #expect(facts["bigtiff"]?.boolValue == true)
        #expect(array.withUnsafeBytes { Array($0) } == bytes)
    }

    @Test(
        "ImageJ hyperstack metadata as tifffile reads it", PythonCheck.required,
        arguments: [[4, 3, 2, 16, 16], [5, 16, 16], [3, 2, 16, 16]])
    func imageJ(shape: [Int]) throws {
        let directory = try Fixtures.temporaryDirectory("tiff-rt")
        defer { try? FileManager.default.removeItem(at: directory) }
        let url = directory.appendingPathComponent("hyper.tif")
        let array = try makeTestArray(shape: shape, dtype: .uint16)
        try TIFFWriter.write(array, to: url, options: .init(compression: .deflate(level: 6), description: .imageJ))

        let back = try TIFFReader.read(contentsOf: url)
        #expect(back.array.shape == shape, "hyperstack reshaped to TZCYX")
        #expect(back.array == array)
        let padded = Array(repeating: 1, count: 5 - shape.count) + shape
        #expect(
            back.imageJ
                == ImageJMetadata(
                    images: padded[0] * padded[1] * padded[2], channels: padded[2], slices: padded[1], frames: padded[0],
                    otherFields: back.imageJ?.otherFields ?? []))

        let (facts, bytes) = try PythonCheck.readTIFF(url)
        let metadata = try #require(facts["imagej"])
        #expect(metadata["images"]?.intValue == padded[0] * padded[1] * padded[2])
        #expect(metadata["channels"]?.intValue == (padded[2] > 1 ? padded[2] : nil))
        #expect(metadata["slices"]?.intValue == (padded[1] > 1 ? padded[1] : nil))
        #expect(metadata["frames"]?.intValue == (padded[0] > 1 ? padded[0] : nil))
        #expect(metadata["hyperstack"]?.boolValue == true)
        #expect(facts["shape"]?.arrayValue?.compactMap(\.intValue) == shape)
        #expect(array.withUnsafeBytes { Array($0) } == bytes)
    }

    @Test("JSON description for provenance", PythonCheck.required)
    func jsonDescription() throws {
        let directory = try Fixtures.temporaryDirectory("tiff-rt")
        defer { try? FileManager.default.removeItem(at: directory) }
        let url = directory.appendingPathComponent("prov.tif")
        let provenance = try JSONValue(jsonText: #"{"workflow":"w.yaml","op":"blur","sigma":2.5}"#)
        let array = try makeTestArray(shape: [8, 8], dtype: .int16)
        try TIFFWriter.write(array, to: url, options: .init(description: .json(provenance)))
        let back = try TIFFReader.read(contentsOf: url)
        #expect(try back.description.map { try JSONValue(jsonText: $0) } == provenance)
        #expect(back.imageJ == nil)
        let (facts, _) = try PythonCheck.readTIFF(url)
        #expect(try facts["description"]?.stringValue.map { try JSONValue(jsonText: $0) } == provenance)
    }

    @Test("ImageJ refuses dtypes ImageJ cannot show")
    func imageJRejectsUInt32() throws {
        let directory = try Fixtures.temporaryDirectory("tiff-rt")
        defer { try? FileManager.default.removeItem(at: directory) }
        let url = directory.appendingPathComponent("bad.tif")
        let array = try makeTestArray(shape: [2, 4, 4], dtype: .uint32)
        #expect(throws: TIFFError.self) { try TIFFWriter.write(array, to: url, options: .init(description: .imageJ)) }
        #expect(!FileManager.default.fileExists(atPath: url.path))
        let leftovers = try FileManager.default.contentsOfDirectory(atPath: directory.path)
        #expect(leftovers.isEmpty, "temporary sibling removed: \(leftovers)")
    }

    @Test("the same bytes for any number of compression workers", arguments: [Compression.deflate(level: 6), .zstd(level: 5)])
    func sameBytesForAnyThreadCount(compression: Compression) throws {
        let directory = try Fixtures.temporaryDirectory("tiff-rt")
        defer { try? FileManager.default.removeItem(at: directory) }
        // 5 pages × 40 one-row strips: 200 strips, more than the in-flight ring holds, with a
        // description and private tag on the first page only.
        let array = try makeTestArray(shape: [5, 40, 33], dtype: .uint16, seed: 3)
        var files: [Data] = []
        for threads in [1, 2, 3, 8] {
            let url = directory.appendingPathComponent("t\(threads).tif")
            var options = TIFFWriter.Options(compression: compression, description: .text("stack"))
            options.rowsPerStrip = 1
            options.threads = threads
            options.privateASCIITags = [(tag: 65432, text: "provenance")]
            try TIFFWriter.write(array, to: url, options: options)
            #expect(try TIFFReader.read(contentsOf: url).array == array, "\(threads) threads")
            files.append(try Data(contentsOf: url))
        }
        for (index, file) in files.enumerated().dropFirst() {
            #expect(file == files[0], "file written with \([1, 2, 3, 8][index]) threads differs from 1 thread")
        }
    }
}
