import Foundation
import ImJoySchema
import TestSupport
import Testing

/// The input-side limits of ImJoySchema's readers (issue #19): duplicate keys, invalid UTF-8,
/// YAML alias expansion, non-regular and oversized document files.
@Suite("JSON and YAML input limits")
struct InputLimitsTests {
    /// A YAML document of `levels` levels, each a list of ten aliases of the previous level:
    /// 10^levels values once expanded.
    static func billionLaughs(levels: Int) -> String {
        var text = "a0: &a0 [lol]\n"
        for level in 1...levels {
            let aliases = Array(repeating: "*a\(level - 1)", count: 10).joined(separator: ", ")
            text += "a\(level): &a\(level) [\(aliases)]\n"
        }
        return text
    }

    @Test func duplicateKeysAreLastWinsByDefaultAndAnErrorWhenStrict() throws {
        let text = #"{"ops": [{"id": "a", "config": {"sigma": 1, "sigma": 2}}]}"#
        #expect(try JSONValue(jsonText: text)["ops"]?[0]?["config"]?["sigma"] == 2)
        let error = #expect(throws: JSONSyntaxError.self) {
            try JSONValue(jsonBytes: Array(text.utf8), rejectingDuplicateKeys: true)
        }
        #expect(error?.message == #"duplicate key "sigma" at ops[0].config.sigma"#)
        #expect(error?.line == 1)
        #expect(error?.column == 45)
    }

    @Test func strictParsingKeepsEverythingElse() throws {
        let text = #"{"a": [1, {"b": "x", "c": [true, null]}], "d": {"e": 1.5}, "a b": {"a b": 0}}"#
        #expect(try JSONValue(jsonBytes: Array(text.utf8), rejectingDuplicateKeys: true) == JSONValue(jsonText: text))
        let nested = #"{"x": {"a b": {"k": 1, "k": 2}}}"#
        let error = #expect(throws: JSONSyntaxError.self) {
            try JSONValue(jsonBytes: Array(nested.utf8), rejectingDuplicateKeys: true)
        }
        #expect(error?.message == #"duplicate key "k" at x["a b"].k"#)
    }

    @Test func firstInvalidUTF8ByteIsFound() {
        #expect(UTF8Validation.firstInvalidByteOffset(in: Array("héllo ✓ 𝄞".utf8)) == nil)
        #expect(UTF8Validation.firstInvalidByteOffset(in: [0x61, 0x62, 0xFF, 0x63]) == 2)
        #expect(UTF8Validation.firstInvalidByteOffset(in: Array("é".utf8) + [0xC3]) == 2)  // truncated sequence
        #expect(UTF8Validation.firstInvalidByteOffset(in: [0xED, 0xA0, 0x80]) == 0)  // encoded surrogate
    }

    @Test(.timeLimit(.minutes(1)))
    func yamlBillionLaughsIsRefusedQuickly() throws {
        let start = ContinuousClock.now
        let error = #expect(throws: YAMLSyntaxError.self) { try JSONValue(yamlText: Self.billionLaughs(levels: 9)) }
        #expect(error?.message.contains("more than 1000000 values") == true)
        #expect(ContinuousClock.now - start < .seconds(20))
    }

    @Test func yamlAliasesBelowTheLimitExpand() throws {
        let value = try JSONValue(yamlText: Self.billionLaughs(levels: 3))
        #expect(value["a3"]?.arrayValue?.count == 10)
        #expect(value["a3"]?[9]?[9]?[9] == .array(["lol"]))
    }

    @Test(.timeLimit(.minutes(1)))
    func aFIFOIsRefusedWithoutBlocking() throws {
        let folder = try TemporaryDirectory("input-limits")
        let fifo = folder.appending("w.json").path
        try #require(mkfifo(fifo, 0o600) == 0)
        #expect(throws: DocumentFile.ReadError.notRegular(kind: "a FIFO (named pipe)")) {
            try DocumentFile.read(fifo, limit: 1 << 20)
        }
    }

    @Test func kernelFilesAndLargeFilesAreRefused() throws {
        #expect(throws: DocumentFile.ReadError.self) { try DocumentFile.read("/dev/zero", limit: 1 << 20) }
        #expect(throws: DocumentFile.ReadError.notRegular(kind: "a file under /proc")) {
            try DocumentFile.read("/proc/self/status", limit: 1 << 20)
        }
        let folder = try TemporaryDirectory("input-limits")
        let file = folder.appending("big.json")
        try Data(repeating: 0x20, count: 2000).write(to: file)
        #expect(throws: DocumentFile.ReadError.tooLarge(bytes: 2000, limit: 1000)) { try DocumentFile.read(file.path, limit: 1000) }
        #expect(try DocumentFile.read(file.path, limit: 2000).count == 2000)
        #expect(throws: DocumentFile.ReadError.self) { try DocumentFile.read(folder.appending("missing").path, limit: 10) }
    }

    @Test func jsonNestingIsLimited() {
        let deep = String(repeating: "[", count: 600) + String(repeating: "]", count: 600)
        #expect(throws: JSONSyntaxError.self) { try JSONValue(jsonText: deep) }
        let yaml = String(repeating: "[", count: 600) + String(repeating: "]", count: 600)
        #expect(throws: YAMLSyntaxError.self) { try JSONValue(yamlText: yaml) }
    }
}
