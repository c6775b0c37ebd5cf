import Foundation
import ImJoySchema
import TestSupport
import Testing

@testable import ImJoyWorkflow

/// Inputs that would hang a run or swallow a table are refused at planning (issue #19).
@Suite struct InputHardeningTests {
    static func items(_ inputs: String, in folder: TemporaryDirectory) throws -> [WorkItem] {
        let workflow = try WorkflowLoader.load(
            text: #"{"name": "w", "inputs": \#(inputs), "ops": [{"id": "s", "builtin": "stats"}]}"#,
            file: folder.appending("w.json").path)
        return try BatchItems.expand(workflow)
    }

    @Test func unterminatedQuoteNamesTheFileAndLine() throws {
        let folder = try TemporaryDirectory("input-hardening")
        try "id,label\n1,one\n2,\"two\n3,three\n4,four\n".write(to: folder.appending("meta.csv"), atomically: false, encoding: .utf8)
        let error = #expect(throws: WorkflowError.self) { try Self.items(#"{"meta": {"csv": "meta.csv"}}"#, in: folder) }
        let csv = folder.appending("meta.csv").path
        #expect(error?.path == "inputs.meta.csv")
        #expect(error?.message.hasPrefix("\(csv): line 3: a quoted field is never closed") == true)
    }

    @Test(arguments: [
        ("id,label\n1,o\"ne\n", "line 2: a quote inside an unquoted field"),
        ("id,label\n1,\"one\"x\n", "line 2: text after the closing quote"),
        ("id,label\n1,one\n2,two,extra\n", "line 3: 3 fields, but the header has 2"),
    ])
    func malformedRowsAreErrors(text: String, message: String) throws {
        let folder = try TemporaryDirectory("input-hardening")
        try text.write(to: folder.appending("meta.csv"), atomically: false, encoding: .utf8)
        #expect { try Self.items(#"{"meta": {"csv": "meta.csv"}}"#, in: folder) } throws: { "\($0)".contains(message) }
    }

    @Test func wellFormedCSVStillReads() throws {
        let table = try CSVTable(text: "id,label\r\n1,\"a, \"\"b\"\"\nc\"\r\n2,\r\n\r\n3,x")
        #expect(table.header == ["id", "label"])
        #expect(table.records == [["id": "1", "label": "a, \"b\"\nc"], ["id": "2", "label": ""], ["id": "3", "label": "x"]])
        #expect(try CSVTable.rows("a,\"b\nc\"\nd,e\n").map(\.line) == [1, 3])
    }

    @Test func csvWithInvalidUTF8IsRefused() throws {
        let folder = try TemporaryDirectory("input-hardening")
        try Data([0x69, 0x64, 0x0A, 0x61, 0xFF, 0x0A]).write(to: folder.appending("meta.csv"))
        #expect { try Self.items(#"{"meta": {"csv": "meta.csv"}}"#, in: folder) } throws: { "\($0)".contains("invalid byte at offset 4") }
    }

    @Test(.timeLimit(.minutes(1)))
    func aFIFONamedLikeAnImageIsRefusedAtPlanning() throws {
        let folder = try TemporaryDirectory("input-hardening")
        _ = FileManager.default.createFile(atPath: folder.appending("a.tif").path, contents: Data([1]))
        try #require(mkfifo(folder.appending("b.tif").path, 0o600) == 0)
        let error = #expect(throws: WorkflowError.self) { try Self.items(#"{"images": {"glob": "*.tif"}}"#, in: folder) }
        #expect(error?.path == "inputs.images.glob")
        #expect(
            error?.message
                == "input refused: \(folder.appending("b.tif").path) is a FIFO (named pipe), not a regular file; inputs must be regular files"
        )
        #expect { try Self.items(#"{"images": {"files": ["a.tif", "b.tif"]}}"#, in: folder) } throws: { "\($0)".contains("FIFO") }
        #expect { try Self.items(#"{"meta": {"csv": "b.tif"}}"#, in: folder) } throws: { "\($0)".contains("FIFO") }
    }

    @Test(.timeLimit(.minutes(1)))
    func kernelFilesAndDevicesAreRefused() throws {
        let folder = try TemporaryDirectory("input-hardening")
        #expect { try Self.items(#"{"x": {"glob": "/proc/self/pagemap"}}"#, in: folder) } throws: {
            "\($0)".contains("/proc/self/pagemap is under /proc")
        }
        #expect { try Self.items(#"{"x": {"files": ["/dev/null", "/dev/zero"]}}"#, in: folder) } throws: {
            "\($0)".contains("/dev/null is a character device, not a regular file") && "\($0)".contains("and 1 more")
        }
        #expect(InputFileCheck.refusal(folder.path) == nil)  // directories may be inputs
        #expect(InputFileCheck.refusal(folder.appending("missing.tif").path) == nil)  // its reader names it
    }
}
