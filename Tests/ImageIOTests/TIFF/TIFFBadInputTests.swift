import Foundation
import TestSupport
import Testing

@testable import ImageIO

@Suite("bad TIFF input gives typed errors naming the file")
struct TIFFBadInputTests {
    private func withFile(_ bytes: [UInt8], _ body: (URL) throws -> Void) throws {
        let directory = try Fixtures.temporaryDirectory("tiff-bad")
        defer { try? FileManager.default.removeItem(at: directory) }
        let url = directory.appendingPathComponent("bad.tif")
        try Data(bytes).write(to: url)
        try body(url)
    }

    private func validFile() throws -> [UInt8] {
        let directory = try Fixtures.temporaryDirectory("tiff-bad")
        defer { try? FileManager.default.removeItem(at: directory) }
        let url = directory.appendingPathComponent("good.tif")
        try TIFFWriter.write(
            try makeTestArray(shape: [3, 64, 64], dtype: .uint16), to: url, options: .init(compression: .deflate(level: 6)))
        return try [UInt8](Data(contentsOf: url))
    }

    private func expectError(_ bytes: [UInt8], sourceLocation: SourceLocation = #_sourceLocation) throws {
        try withFile(bytes) { url in
            let error = #expect(throws: TIFFError.self, sourceLocation: sourceLocation) { try TIFFReader.read(contentsOf: url) }
            #expect(error?.file == url.path, sourceLocation: sourceLocation)
            #expect(error.map { "\($0)" }?.contains(url.path) == true, sourceLocation: sourceLocation)
        }
        // The same through the in-memory path.
        let error = bytes.withUnsafeBytes { raw in
            #expect(throws: TIFFError.self, sourceLocation: sourceLocation) { try TIFFReader.read(bytes: raw, name: "mem.tif") }
        }
        #expect(error?.file == "mem.tif", sourceLocation: sourceLocation)
    }

    @Test func emptyFile() throws { try expectError([]) }
    @Test func notTIFF() throws { try expectError(Array("GIF89a, not a tiff at all".utf8)) }
    @Test func headerOnly() throws { try expectError([0x49, 0x49, 42, 0, 8, 0, 0, 0]) }

    @Test func truncated() throws {
        let good = try validFile()
        for fraction in [0.1, 0.5, 0.9] {
            try expectError(Array(good.prefix(Int(Double(good.count) * fraction))))
        }
    }

    @Test func corruptedData() throws {
        var bytes = try validFile()
        // Smash the compressed strips (they follow the 8-byte header) but keep the directories.
        for i in 16..<min(bytes.count / 2, 4000) { bytes[i] = UInt8(truncatingIfNeeded: i &* 31) }
        try expectError(bytes)
    }

    @Test("absurd dimensions are refused before allocating")
    func absurdDimensions() throws {
        // A minimal little-endian TIFF: 1 IFD, width = height = 2^20 (8 TiB), 64-bit samples, one strip.
        var ifd: [UInt8] = [0x49, 0x49, 42, 0, 8, 0, 0, 0]
        let entries: [(UInt16, UInt16, UInt32, UInt32)] = [
            (256, 4, 1, 0x10_0000), (257, 4, 1, 0x10_0000), (258, 3, 1, 64), (259, 3, 1, 1),
            (262, 3, 1, 1), (273, 4, 1, 200), (277, 3, 1, 1), (278, 4, 1, 0x10_0000), (279, 4, 1, 16),
        ]
        func le16(_ v: UInt16) -> [UInt8] { [UInt8(v & 0xFF), UInt8(v >> 8)] }
        func le32(_ v: UInt32) -> [UInt8] { (0..<4).map { UInt8((v >> (8 * $0)) & 0xFF) } }
        ifd += le16(UInt16(entries.count))
        for (tag, type, count, value) in entries {
            ifd += le16(tag) + le16(type) + le32(count) + (type == 3 ? le16(UInt16(value)) + [0, 0] : le32(value))
        }
        ifd += le32(0) + Array(repeating: 0, count: 300)
        try withFile(ifd) { url in
            var options = TIFFReader.Options()
            options.maximumByteCount = 1 << 30
            let error = #expect(throws: TIFFError.self) { try TIFFReader.read(contentsOf: url, options: options) }
            guard case .tooLarge = error else {
                Issue.record("expected tooLarge, got \(String(describing: error))")
                return
            }
        }
    }

    @Test func missingFile() throws {
        let url = URL(fileURLWithPath: "/nonexistent/dir/x.tif")
        let error = #expect(throws: TIFFError.self) { try TIFFReader.read(contentsOf: url) }
        #expect(error?.file == url.path)
    }

    @Test("pages of different shapes do not form a stack", PythonCheck.required)
    func inconsistentPages() throws {
        let directory = try Fixtures.temporaryDirectory("tiff-bad")
        defer { try? FileManager.default.removeItem(at: directory) }
        let url = directory.appendingPathComponent("mixed.tif")
        let script =
            "import tifffile, numpy as np, sys\nwith tifffile.TiffWriter(sys.argv[1]) as t:\n t.write(np.zeros((8,8),np.uint8))\n t.write(np.zeros((4,4),np.uint8))"
        #expect(try PythonCheck.run(["-c", script, url.path]).status == 0)
        let error = #expect(throws: TIFFError.self) { try TIFFReader.read(contentsOf: url) }
        guard case .inconsistentPages(_, let page, _) = error else {
            Issue.record("expected inconsistentPages, got \(String(describing: error))")
            return
        }
        #expect(page == 1)
    }
}
