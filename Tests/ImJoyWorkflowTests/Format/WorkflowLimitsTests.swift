import Foundation
import ImJoySchema
import TestSupport
import Testing

@testable import ImJoyWorkflow

/// Workflow files are read strictly (issue #19): duplicate keys, invalid UTF-8, alias bombs,
/// non-regular files and out-of-range numbers are errors naming the file, op and JSON path.
@Suite struct WorkflowLimitsTests {
    static func op(_ fields: String) -> String {
        #"{"name": "w", "ops": [{"id": "s", "builtin": "stats"}, {"id": "t", "builtin": "stats", \#(fields)}]}"#
    }

    @Test func duplicateKeysNameTheKeyAndPath() {
        let error = #expect(throws: WorkflowError.self) {
            try WorkflowLoader.load(text: Self.op(#""retries": 1, "retries": 2"#), file: "/w/w.json")
        }
        #expect(error?.description.hasPrefix(#"/w/w.json: not valid JSON: line 1, column "#) == true)
        #expect(error?.description.hasSuffix(#"duplicate key "retries" at ops[1].retries"#) == true)
    }

    @Test func invalidUTF8IsAnErrorWithTheByteOffset() throws {
        let folder = try TemporaryDirectory("workflow-limits")
        let file = folder.appending("w.json")
        var bytes = Array(#"{"name": "caf"#.utf8)
        bytes += [0xE9]  // Latin-1 é
        bytes += Array(#"", "ops": [{"id": "s", "builtin": "stats"}]}"#.utf8)
        try Data(bytes).write(to: file)
        let error = #expect(throws: WorkflowError.self) { try WorkflowLoader.load(contentsOf: file.path) }
        #expect(error?.description == "\(file.path): not UTF-8 text: invalid byte 0xe9 at byte offset 13")
    }

    @Test(arguments: [
        (#""retries": 9223372036854775807"#, "ops[1].retries", "9223372036854775807 is above the maximum of 100 retries"),
        (#""retries": 101"#, "ops[1].retries", "101 is above the maximum of 100 retries"),
        (#""retries": -1"#, "ops[1].retries", "must be a whole number ≥ 0"),
        (#""retries": 1e30"#, "ops[1].retries", "must be a whole number ≥ 0"),
        (#""timeout": 1e300"#, "ops[1].timeout", "1e+300 is above the maximum of 2592000 seconds (30 days)"),
        (#""timeout": 0"#, "ops[1].timeout", "must be a positive number of seconds"),
    ])
    func numericFieldsAreBounded(fields: String, path: String, message: String) {
        let error = #expect(throws: WorkflowError.self) { try WorkflowLoader.load(text: Self.op(fields), file: "w.json") }
        #expect(error == WorkflowError(file: "w.json", op: "t", path: path, message: message))
    }

    @Test func boundaryValuesAreAccepted() throws {
        let workflow = try WorkflowLoader.load(text: Self.op(#""retries": 100, "timeout": 2592000"#), file: "w.json")
        #expect(workflow.ops[1].retries == 100)
        #expect(workflow.ops[1].timeout == 2_592_000)
    }

    @Test(.timeLimit(.minutes(1)))
    func yamlAliasBombIsRefusedNamingTheFile() {
        var yaml = "name: w\nops: [{id: s, builtin: stats}]\nvariables:\n  a0: &a0 [lol]\n"
        for level in 1...9 {
            yaml += "  a\(level): &a\(level) [\(Array(repeating: "*a\(level - 1)", count: 10).joined(separator: ", "))]\n"
        }
        let error = #expect(throws: WorkflowError.self) { try WorkflowLoader.load(text: yaml, file: "bomb.yaml", isYAML: true) }
        #expect(error?.description.hasPrefix("bomb.yaml: not valid YAML: the document expands to more than 1000000 values") == true)
    }

    @Test(.timeLimit(.minutes(1)))
    func aFIFOWorkflowIsRefused() throws {
        let folder = try TemporaryDirectory("workflow-limits")
        let fifo = folder.appending("w.json").path
        try #require(mkfifo(fifo, 0o600) == 0)
        let error = #expect(throws: WorkflowError.self) { try WorkflowLoader.load(contentsOf: fifo) }
        #expect(error?.description == "\(fifo): cannot read the workflow file: it is a FIFO (named pipe), not a regular file")
    }

    @Test func oversizedWorkflowTextIsRefused() {
        let text = #"{"name": "w", "description": ""# + String(repeating: "x", count: DocumentFile.maximumWorkflowBytes) + #""}"#
        #expect { try WorkflowLoader.load(text: text, file: "big.json") } throws: { "\($0)".contains("above the limit of 16777216 bytes") }
    }
}
