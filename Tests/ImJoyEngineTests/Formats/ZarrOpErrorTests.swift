import Foundation
import ImJoySchema
import ImageIO
import TestSupport
import Testing

@testable import ImJoyEngine

/// `write-zarr` and `read-zarr` refuse bad config with the op, parameter and reason; `write-tiff`
/// writes BigTIFF on request.
@Suite struct ZarrOpErrorTests {
    let array = try! NDArray(shape: [3, 4, 5], elements: (0..<60).map { UInt16($0) })

    @Test(arguments: [
        (#"{"chunks": "1, 2"}"#, "chunks", "2 chunk sizes for an array of 3 dimensions"),
        (#"{"chunks": "1, x, 2"}"#, "chunks", "is not 'auto' or positive integers"),
        (#"{"compressor": "blosc", "level": 12}"#, "level", "Blosc level 12 is outside 0...9"),
        (#"{"compressor": "zstd", "level": 0}"#, "level", "zstd level 0 is outside 1...22"),
    ])
    func writeZarrConfigIsChecked(config: String, parameter: String, reason: String) throws {
        let out = try Fixtures.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: out) }
        let call = try builtinCall(#"{"id": "z", "builtin": "write-zarr", "config": \#(config)}"#, data: array.rpcValue, out: out)
        let error = try #require(throws: BuiltinOpError.self) { try BuiltinInvoker(baseDirectory: out.path).invoke(call) }
        guard case .invalidConfig(let op, let name, let text) = error else {
            Issue.record("expected invalidConfig, got \(error)")
            return
        }
        #expect(op == "write-zarr" && name == parameter && text.contains(reason), "\(error)")
        #expect(try FileManager.default.contentsOfDirectory(atPath: out.path).isEmpty)
    }

    @Test func unknownCompressorIsRefusedByValidation() {
        #expect(throws: (any Error).self) {
            _ = try builtinCall(
                #"{"id": "z", "builtin": "write-zarr", "config": {"compressor": "gzip"}}"#, data: .null,
                out: URL(fileURLWithPath: "/nonexistent"))
        }
    }

    @Test func readZarrNamesTheImagesAStoreHas() throws {
        let folder = try Fixtures.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: folder) }
        let store = folder.appendingPathComponent("plate.zarr")
        try ZarrFormat().add(array, at: "a", to: store, options: ArrayWriteOptions())
        let invoker = BuiltinInvoker(baseDirectory: folder.path)
        var call = try builtinCall(#"{"id": "r", "builtin": "read-zarr", "config": {"image": "b"}}"#, data: "plate.zarr", out: folder)
        let error = try #require(throws: BuiltinOpError.self) { try invoker.invoke(call) }
        #expect(error.description.contains("has no image 'b' (images: a)"), "\(error)")
        call = try builtinCall(#"{"id": "r", "builtin": "read-zarr"}"#, data: "missing.zarr", out: folder)
        let missing = try #require(throws: BuiltinOpError.self) { try invoker.invoke(call) }
        #expect(missing.description.hasPrefix("read-zarr: "), "\(missing)")
        call = try builtinCall(#"{"id": "r", "builtin": "read-zarr", "config": {"image": "a"}}"#, data: "plate.zarr", out: folder)
        #expect(try NDArray(rpcValue: invoker.invoke(call)) == array)
    }

    @Test func writeTIFFBigTIFFOption() throws {
        let out = try Fixtures.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: out) }
        for (choice, big) in [("yes", true), ("auto", false), ("no", false)] {
            let call = try builtinCall(
                #"{"id": "t", "builtin": "write-tiff", "config": {"path": "\#(choice).tif", "bigtiff": "\#(choice)"}}"#,
                data: array.rpcValue, out: out)
            _ = try BuiltinInvoker(baseDirectory: out.path).invoke(call)
            let header = try Data(contentsOf: out.appendingPathComponent("\(choice).tif")).prefix(4)
            #expect(header[2] == (big ? 43 : 42), "\(choice): TIFF version \(header[2])")  // 43: BigTIFF
            #expect(try TIFFFormat().read(out.appendingPathComponent("\(choice).tif"), name: nil) == array)
        }
    }
}
