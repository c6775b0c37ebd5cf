import Foundation
import TestSupport
import Testing

@testable import ImageIO

@Suite("bad HDF5 input gives typed errors naming the file")
struct HDF5BadInputTests {
    private func validFile() throws -> [UInt8] {
        let directory = try Fixtures.temporaryDirectory("h5-bad")
        defer { try? FileManager.default.removeItem(at: directory) }
        let url = directory.appendingPathComponent("good.h5")
        let writer = try HDF5Writer(url: url)
        try writer.writeDataset("/data", try makeTestArray(shape: [4, 64, 64], dtype: .uint16), layout: .chunked(chunkShape: [1, 32, 32]))
        try writer.commit()
        return try [UInt8](Data(contentsOf: url))
    }

    /// Opens and reads every dataset of `bytes`; returns the error (nil when it read fine).
    private func openAndRead(_ bytes: [UInt8]) throws -> HDF5Error? {
        let directory = try Fixtures.temporaryDirectory("h5-bad")
        defer { try? FileManager.default.removeItem(at: directory) }
        let url = directory.appendingPathComponent("bad.h5")
        try Data(bytes).write(to: url)
        do {
            let file = try HDF5File(contentsOf: url)
            for path in try file.datasetPaths() { _ = try file.readDataset(path, limit: 1 << 28) }
            return nil
        } catch {
            #expect(error.file == url.path)
            #expect("\(error)".contains(url.path))
            return error
        }
    }

    @Test func emptyFile() throws {
        let error = try openAndRead([])
        guard case .cannotOpen = error else {
            Issue.record("expected cannotOpen, got \(String(describing: error))")
            return
        }
    }

    @Test func notHDF5() throws {
        let error = try openAndRead(Array("II*\0 this is no HDF5 file".utf8))
        guard case .cannotOpen = error else {
            Issue.record("expected cannotOpen, got \(String(describing: error))")
            return
        }
    }

    @Test func truncated() throws {
        let good = try validFile()
        for fraction in [0.05, 0.3, 0.6, 0.95] {
            let error = try openAndRead(Array(good.prefix(Int(Double(good.count) * fraction))))
            #expect(error != nil, "truncated to \(fraction)")
        }
    }

    @Test func corruptedChunks() throws {
        var bytes = try validFile()
        // The chunks follow the metadata; overwrite the second half of the file.
        for i in (bytes.count / 2)..<bytes.count { bytes[i] = UInt8(truncatingIfNeeded: i &* 17) }
        #expect(try openAndRead(bytes) != nil)
    }

    @Test func missingDataset() throws {
        let directory = try Fixtures.temporaryDirectory("h5-bad")
        defer { try? FileManager.default.removeItem(at: directory) }
        let url = directory.appendingPathComponent("good.h5")
        try Data(try validFile()).write(to: url)
        let file = try HDF5File(contentsOf: url)
        let error = #expect(throws: HDF5Error.self) { try file.readDataset("/nope/data") }
        #expect(error == .notFound(file: url.path, path: "/nope/data"))
        #expect(throws: HDF5Error.self) { try file.readDataset("/data", limit: 1000) }
    }

    @Test("too many chunks are refused before H5Dread")
    func chunkLimit() throws {
        let directory = try Fixtures.temporaryDirectory("h5-bad")
        defer { try? FileManager.default.removeItem(at: directory) }
        let url = directory.appendingPathComponent("tiny-chunks.h5")
        let array = try makeTestArray(shape: [40, 40], dtype: .int16)
        let writer = try HDF5Writer(url: url)
        try writer.writeDataset("/d", array, layout: .chunked(chunkShape: [1, 1], compression: .deflate(level: 1), shuffle: true))
        try writer.commit()
        let file = try HDF5File(contentsOf: url)
        let error = #expect(throws: HDF5Error.self) { try file.readDataset("/d", maximumChunkCount: 1000) }
        guard case .unsupported(_, let path, let reason) = error else {
            Issue.record("expected unsupported, got \(String(describing: error))")
            return
        }
        #expect(path == "/d")
        #expect(reason.contains("1600 chunks"))
        #expect(try file.readDataset("/d") == array)
        #expect(try file.datasetPaths(maximumObjectCount: 0).isEmpty)
    }

    /// Inputs that crashed libhdf5 1.10.8 under fuzz-hdf5 (Fuzz/README.md), each with the dataset
    /// ImageIO must refuse before `H5Dread` and a word of the reason.
    @Test(
        "fuzz-found libhdf5 crashes are refused with a typed error",
        arguments: [
            ("chunk-larger-than-extent.h5", "/g/data", "exceeds the fixed shape")
        ])
    func fuzzRegression(name: String, dataset: String, reason expected: String) throws {
        let url = Fixtures.url("hdf5/fuzz-regressions/" + name)
        let file = try HDF5File(contentsOf: url)
        #expect(try file.datasetPaths() == [dataset])
        let error = #expect(throws: HDF5Error.self) { try file.readDataset(dataset) }
        guard case .unsupported(let errorFile, let path, let reason) = error else {
            Issue.record("expected unsupported, got \(String(describing: error))")
            return
        }
        #expect(errorFile == url.path)
        #expect(path == dataset)
        #expect(reason.contains(expected), "\(reason)")
    }

    @Test func missingFile() {
        let error = #expect(throws: HDF5Error.self) { try HDF5File(contentsOf: URL(fileURLWithPath: "/nonexistent/x.h5")) }
        #expect(error?.file == "/nonexistent/x.h5")
    }
}
