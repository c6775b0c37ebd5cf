import Foundation
import TestSupport
import Testing

@testable import ImageIO

@Suite("atomic output files")
struct AtomicOutputFileTests {
    @Test("commit renames the temporary sibling into place; discard leaves nothing", arguments: [false, true])
    func commitAndDiscard(synchronizes: Bool) throws {
        let directory = try Fixtures.temporaryDirectory("atomic")
        defer { try? FileManager.default.removeItem(at: directory) }
        let destination = directory.appendingPathComponent("out.bin")
        try Data("old".utf8).write(to: destination)

        let output = AtomicOutputFile(destination: destination, synchronizes: synchronizes)
        #expect(output.temporaryURL.deletingLastPathComponent().path == directory.path)
        try Data("new".utf8).write(to: output.temporaryURL)
        #expect(try String(contentsOf: destination, encoding: .utf8) == "old", "the old file stays until commit")
        try output.commit()
        #expect(try String(contentsOf: destination, encoding: .utf8) == "new")

        let abandoned = AtomicOutputFile(destination: destination)
        try Data("half".utf8).write(to: abandoned.temporaryURL)
        abandoned.discard()
        #expect(try FileManager.default.contentsOfDirectory(atPath: directory.path) == ["out.bin"])
        #expect(try String(contentsOf: destination, encoding: .utf8) == "new")
    }

    @Test("a failed TIFF write leaves no file under the final name")
    func failedWrite() throws {
        let directory = try Fixtures.temporaryDirectory("atomic")
        defer { try? FileManager.default.removeItem(at: directory) }
        let destination = directory.appendingPathComponent("x.tif")
        #expect(throws: TIFFError.self) { try TIFFWriter.write(try NDArray(zeros: [5], dtype: .uint8), to: destination) }
        do {
            let writer = try HDF5Writer(url: directory.appendingPathComponent("x.h5"))
            try writer.writeDataset("/d", try NDArray(zeros: [4, 4], dtype: .uint8))
            // not committed
        }
        #expect(try FileManager.default.contentsOfDirectory(atPath: directory.path).isEmpty)
    }
}
