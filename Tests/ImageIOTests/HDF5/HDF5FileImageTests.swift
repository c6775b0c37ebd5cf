import Foundation
import TestSupport
import Testing

@testable import ImageIO

@Suite("HDF5 files opened from memory images")
struct HDF5FileImageTests {
    /// The bytes of a file with a chunked and a contiguous dataset and attributes, written by HDF5Writer.
    private func fileBytes(_ arrays: [String: NDArray]) throws -> [UInt8] {
        let directory = try Fixtures.temporaryDirectory("h5-image")
        defer { try? FileManager.default.removeItem(at: directory) }
        let url = directory.appendingPathComponent("image.h5")
        let writer = try HDF5Writer(url: url)
        try writer.writeDataset(
            "/item/a", arrays["/item/a"]!, layout: .chunked(chunkShape: [1, 16, 16], compression: .deflate(level: 3), shuffle: true))
        try writer.writeDataset("/b", arrays["/b"]!)
        try writer.setAttribute("unit", to: .string("µm"), at: "/item/a")
        try writer.commit()
        return try [UInt8](Data(contentsOf: url))
    }

    @Test("reads datasets and attributes exactly as from the file")
    func readsLikeTheFile() throws {
        let arrays = [
            "/item/a": try makeTestArray(shape: [3, 40, 33], dtype: .uint16, seed: 5),
            "/b": try makeTestArray(shape: [7, 5], dtype: .float64, seed: 6),
        ]
        let bytes = try fileBytes(arrays)
        try bytes.withUnsafeBytes { raw in
            let file = try HDF5File(image: raw, name: "memory.h5")
            #expect(file.path == "memory.h5")
            #expect(try file.datasetPaths() == ["/b", "/item/a"])
            for (path, array) in arrays { #expect(try file.readDataset(path) == array) }
            let attributes = try file.attributes(of: "/item/a")
            #expect(attributes.map(\.name) == ["unit"])
            #expect(attributes.first?.value == .string("µm"))
        }
        #expect(Self.noHDF5ObjectLeftOpen(), "HDF5 ids left open")
    }

    @Test(
        "bad bytes give cannotOpen naming the image",
        arguments: [
            ("empty", [UInt8]()),
            ("not HDF5", Array("II*\0 this is no HDF5 file".utf8)),
        ])
    func badBytes(label: String, bytes: [UInt8]) throws {
        let error = #expect(throws: HDF5Error.self, "\(label)") {
            try bytes.withUnsafeBytes { _ = try HDF5File(image: $0, name: "upload.h5") }
        }
        guard case .cannotOpen(let file, _) = error else {
            Issue.record("\(label): expected cannotOpen, got \(String(describing: error))")
            return
        }
        #expect(file == "upload.h5")
        #expect(Self.noHDF5ObjectLeftOpen(), "HDF5 ids left open")
    }

    @Test("truncated images fail with an error, never a crash")
    func truncated() throws {
        let bytes = try fileBytes([
            "/item/a": try makeTestArray(shape: [2, 32, 32], dtype: .int32),
            "/b": try makeTestArray(shape: [4], dtype: .uint8),
        ])
        for fraction in [0.05, 0.3, 0.6, 0.95] {
            let prefix = Array(bytes.prefix(Int(Double(bytes.count) * fraction)))
            let error = prefix.withUnsafeBytes { (raw) -> HDF5Error? in
                do throws(HDF5Error) {
                    let file = try HDF5File(image: raw, name: "cut.h5")
                    for path in try file.datasetPaths() { _ = try file.readDataset(path) }
                    return nil
                } catch {
                    return error
                }
            }
            #expect(error?.file == "cut.h5", "truncated to \(fraction)")
        }
        #expect(Self.noHDF5ObjectLeftOpen(), "HDF5 ids left open")
    }

    /// Whether the process's count of open HDF5 objects reaches 0. The count is process-wide and
    /// other suites use HDF5 at the same time, so it is sampled until it drops to 0 (an id this
    /// suite leaked keeps it above 0 for good); up to 60 s.
    static func noHDF5ObjectLeftOpen() -> Bool {
        let deadline = Date().addingTimeInterval(60)
        while Date() < deadline {
            if HDF5File.openObjectCount == 0 { return true }
            usleep(2_000)
        }
        return false
    }
}
