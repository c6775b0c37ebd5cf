import Foundation
import ImJoySchema
import ImJoyWorkflow
import TestSupport
import Testing

@testable import ImJoyEngine

/// Interactive api calls answered from the op's `answers`, promise-likes, windows, `api.utils`,
/// the api in `setup()`, exported functions and ImJoy's ctx names, through whole runs of the
/// `Interactive` fixture plugins (Python and JavaScript).
@Suite(.enabled(if: RunTestConditions.pythonWithNumpy, "needs python3 with numpy"))
struct InteractivePluginTests {
    static let python = Fixtures.url("plugins/python/Interactive.imjoy.html").path
    static let javascript = Fixtures.url("plugins/javascript/InteractiveJS.imjoy.html").path
    static let hasNode = Subprocess.which("node") != nil

    static func run(_ workflow: String) throws -> (fixture: RunFixture, summary: WorkflowRunSummary, events: [TaskEvent]) {
        try PythonPluginRunTests.run(workflow, state: "state")
    }

    static func json(_ fixture: RunFixture, _ path: String) throws -> JSONValue {
        try PythonPluginRunTests.json(fixture, path)
    }

    @Test func answersGiveEachItemItsOwnValueShapedForTheApiVersion() throws {
        let (fixture, summary, _) = try Self.run(
            """
            {"name": "ask", "plugins": {"p": "\(Self.python)"}, "inputs": {"image": {"values": ["a.tif", "/data/b.tif"]}},
             "ops": [{"id": "ask", "plugin": "p", "op": "Ask",
                      "answers": {"confirm": true, "showFileDialog": "$inputs.image", "showDialog": {"size": 7}}}]}
            """)
        defer { fixture.remove() }
        #expect(summary.status == .succeeded, "\(summary.text)")
        let first = try Self.json(fixture, "a/ask.json")
        #expect(first["name"] == "anonymous", "prompt without an answer takes its default")
        #expect(first["sure"] == true)
        #expect(first["files"] == [["path": .string(fixture.directory.path + "/a.tif")]], "relative to the workflow, a list for 0.1.8")
        #expect(first["form"] == ["size": 7, "mode": "a"], "the answer merged over the form's defaults")
        #expect(try Self.json(fixture, "b/ask.json")["first_path"] == "/data/b.tif")
    }

    @Test func aMissingAnswerFailsWithTheEntryToAddWhichValidates() throws {
        let (fixture, summary, events) = try Self.run(
            """
            {"name": "ask", "plugins": {"p": "\(Self.python)"}, "ops": [{"id": "ask", "plugin": "p", "op": "Ask"}]}
            """)
        defer { fixture.remove() }
        #expect(summary.exitCode == 1)
        let error = try #require(events.first { $0.op == "ask" }?.error)
        #expect(
            error.contains(#"api.confirm('Go on?') waits for a person; add "answers": {"confirm": true} to the op in the workflow"#),
            "\(error)")
        // The entry the message names is accepted.
        let workflow = try WorkflowLoader.load(
            text: """
                {"name": "ask", "plugins": {"p": "\(Self.python)"}, "ops": [{"id": "ask", "plugin": "p", "op": "Ask", "answers": {"confirm": true}}]}
                """, file: fixture.workflowFile)
        #expect(throws: Never.self) { try WorkflowValidator(resolver: .init(environment: [:])).validate(workflow) }
    }

    @Test func badAnswersAreRefusedAtValidation() throws {
        func problems(_ op: String) -> String {
            do {
                let workflow = try WorkflowLoader.load(
                    text: """
                        {"name": "x", "plugins": {"p": "\(Self.python)"}, "inputs": {"n": [1]}, "ops": [\(op)]}
                        """, file: "w.json")
                _ = try WorkflowValidator(resolver: .init(environment: [:])).validate(workflow)
                return ""
            } catch {
                return "\(error)"
            }
        }
        #expect(problems(#"{"id": "a", "plugin": "p", "answers": {"alert": "ok"}}"#).contains("'alert' is not an interactive api function"))
        #expect(
            problems(#"{"id": "a", "plugin": "p", "answers": {"prompt": "$inputs.nope"}}"#).contains("$inputs.nope is not among the inputs")
        )
        #expect(problems(#"{"id": "a", "plugin": "p", "answers": {"confirm": "yes"}}"#).contains("an answer to confirm is true or false"))
        #expect(problems(#"{"id": "a", "plugin": "p", "answers": {"showDialog": [{"a": 1}, 3]}}"#).contains("ops[0].answers.showDialog[1]"))
        #expect(problems(#"{"id": "a", "plugin": "p", "function": "sub3"}"#).contains("Interactive defines no function 'sub3'"))
        #expect(problems(#"{"id": "a", "plugin": "p", "args": [1]}"#).contains("'args' and 'kwargs' go with 'function'"))
        #expect(problems(#"{"id": "a", "plugin": "p", "function": "add2", "args": [1]}"#).isEmpty)
    }

    @Test func apiResultsArePromiseLikeAndTheApiWorksInSetup() throws {
        let (fixture, summary, _) = try Self.run(
            """
            {"name": "p", "plugins": {"p": "\(Self.python)"}, "ops": [{"id": "p", "plugin": "p", "op": "Promises"}]}
            """)
        defer { fixture.remove() }
        #expect(summary.status == .succeeded, "\(summary.text)")
        let value = try Self.json(fixture, "0/p.json")
        #expect(value["seen"] == ["yes", 20, "caught", "async 3"])
        #expect(value["setup_name"] == "Interactive")
    }

    @Test func windowsRecordTheirLatestDataAsOutputsInTheManifest() throws {
        let (fixture, summary, _) = try Self.run(
            """
            {"name": "w", "plugins": {"p": "\(Self.python)"}, "ops": [{"id": "w", "plugin": "p", "op": "Windows"}]}
            """)
        defer { fixture.remove() }
        #expect(summary.status == .succeeded, "\(summary.text)")
        let viewer = try Self.json(fixture, "0/w.window1.json")
        #expect(viewer["data"] == ["path": "w.window1.tif"], "updateWindow's array is the latest data")
        #expect(viewer["_method"] == "updateWindow")
        #expect(try Self.json(fixture, "0/w.window2.json")["data"] == ["points": [1, 2, 3]])
        let manifest = try JSONValue(jsonBytes: [UInt8](Data(contentsOf: fixture.out.appendingPathComponent("manifest.json"))))
        let listed = (manifest["outputs"]?.arrayValue ?? []).compactMap { $0["path"]?.stringValue }
        for path in ["0/w.window1.tif", "0/w.window1.json", "0/w.window2.json", "0/report.txt"] {
            #expect(listed.contains(path), "\(path) in \(listed)")
        }
        let entry = try #require(manifest["outputs"]?.arrayValue?.first { $0["path"] == "0/report.txt" })
        #expect(entry["op"] == "w")
        #expect(entry["sha256"]?.stringValue?.count == 64)
        #expect(entry["provenance"] != nil)
    }

    @Test func everyApiFunctionIsImplementedOrRefusedByName() throws {
        let (fixture, summary, _) = try Self.run(
            """
            {"name": "s", "plugins": {"p": "\(Self.python)"},
             "ops": [{"id": "s", "plugin": "p", "op": "Surface", "answers": {"confirm": true, "showFileDialog": "a.tif"}}]}
            """)
        defer { fixture.remove() }
        #expect(summary.status == .succeeded, "\(summary.text)")
        let results = try #require(try Self.json(fixture, "0/s.json").objectValue)
        let implemented = [
            "alert", "prompt", "confirm", "log", "error", "progress", "exportFile", "showDialog", "showFileDialog",
            "showProgress", "showStatus", "showSnackbar", "showMessage", "register", "unregister", "registerService",
            "unregisterService", "createWindow", "setConfig", "getConfig", "echo", "getWindow", "updateWindow",
        ]
        let refused = [
            "requestUploadUrl", "getFileUrl", "getFilePath", "loadPlugin", "connectToServer", "installPlugin",
            "uninstallPlugin", "getServices", "getFileManager", "getEngineFactory", "getEngine", "onClose",
            "uploadFileToUrl", "downloadFileFromUrl",
        ]
        #expect(results.count == implemented.count + refused.count + 1)
        for name in implemented { #expect(results[name] == "ok", "\(name): \(results[name] ?? .null)") }
        for name in refused { #expect(results[name] == .string("api.\(name) is not available in batch runs (imjoy-run)"), "\(name)") }
        #expect(results["getAttachment"]?.stringValue?.hasPrefix("the plugin has no attachment named 'none") == true)
    }

    @Test func verifyChecksWindowAndExportedFiles() throws {
        let (fixture, summary, _) = try Self.run(
            """
            {"name": "w", "plugins": {"p": "\(Self.python)"}, "ops": [{"id": "w", "plugin": "p", "op": "Windows"}]}
            """)
        defer { fixture.remove() }
        #expect(summary.status == .succeeded, "\(summary.text)")
        var options = RunVerification.Options(manifest: fixture.out.appendingPathComponent("manifest.json").path)
        options.temporaryParent = fixture.directory
        let clean = try RunVerification(options: options).run()
        #expect(clean.exitCode == 0, "\(clean.text)")
        #expect(clean.rerun.contains { $0.path == "0/w.window1.tif" && $0.status == .identical }, "\(clean.text)")
        try Data("changed".utf8).write(to: fixture.out.appendingPathComponent("0/report.txt"))
        options.rerun = false
        let tampered = try RunVerification(options: options).run()
        #expect(tampered.exitCode == 1)
        #expect(tampered.onDisk.first { $0.path == "0/report.txt" }?.status == .changed, "\(tampered.text)")
    }

    @Test func utilsAreHeadlessAndTheRestIsRefusedByName() throws {
        let (fixture, summary, _) = try Self.run(
            """
            {"name": "u", "plugins": {"p": "\(Self.python)"}, "ops": [{"id": "u", "plugin": "p", "op": "Utils"}]}
            """)
        defer { fixture.remove() }
        #expect(summary.status == .succeeded, "\(summary.text)")
        #expect(try Self.json(fixture, "0/u.json")["refused"] == "api.utils.showOpenFilePicker is not available in batch runs (imjoy-run)")
    }

    @Test func exportedFunctionsTakeArgsAndKwargs() throws {
        let (fixture, summary, _) = try Self.run(
            """
            {"name": "f", "plugins": {"p": "\(Self.python)"}, "inputs": {"n": [1, 5]},
             "ops": [{"id": "f", "plugin": "p", "function": "add2", "args": ["$inputs.n"], "kwargs": {"scale": 10}}]}
            """)
        defer { fixture.remove() }
        #expect(summary.status == .succeeded, "\(summary.text)")
        #expect(try Self.json(fixture, "0/f.json")["sum"] == 30)
        #expect(try Self.json(fixture, "1/f.json")["sum"] == 70)
    }

    @Test func cachedCallsKeepEachItemsArguments() throws {
        // Echo is functional (cached); both items have the same data and config, and differ
        // only in the function's arguments.
        let (fixture, summary, _) = try PythonPluginRunTests.run(
            """
            {"name": "k", "plugins": {"echo": "\(PythonPluginRunTests.plugin("Echo"))"}, "inputs": {"n": [1, 2]},
             "ops": [{"id": "f", "plugin": "echo", "function": "pid", "args": [{"data": "$inputs.n"}], "data": null}]}
            """, jobs: 1)
        defer { fixture.remove() }
        #expect(summary.status == .succeeded, "\(summary.text)")
        #expect(try Self.json(fixture, "0/f.json")["value"] == 1)
        #expect(try Self.json(fixture, "1/f.json")["value"] == 2)
    }

    @Test func ctxCarriesImJoysOpNamesAndTheWorkflowsIds() throws {
        let (fixture, summary, _) = try Self.run(
            """
            {"name": "c", "plugins": {"p": "\(Self.python)"},
             "ops": [{"id": "first", "plugin": "p"}, {"id": "second", "plugin": "p", "op": "Ctx"},
                     {"id": "alone", "plugin": "p", "data": null}]}
            """)
        defer { fixture.remove() }
        #expect(summary.status == .succeeded, "\(summary.text)")
        #expect(try Self.json(fixture, "0/second.json") == ["op": "Ctx", "source_op": "Interactive", "workflow_op": "second"])
        #expect(try Self.json(fixture, "0/alone.json") == ["op": "Interactive", "source_op": .null, "workflow_op": "alone"])
    }

    // MARK: - JavaScript

    @Test(.enabled(if: hasNode, "needs Node.js"))
    func javaScriptAnswersWindowsUtilsAndFunctions() throws {
        let (fixture, summary, _) = try Self.run(
            """
            {"name": "js", "plugins": {"p": "\(Self.javascript)"},
             "ops": [{"id": "ask", "plugin": "p", "op": "Ask", "answers": {"prompt": "Ada", "showFileDialog": ["x.tif"]}},
                     {"id": "win", "plugin": "p", "op": "Windows", "data": null},
                     {"id": "utils", "plugin": "p", "op": "Utils", "data": null},
                     {"id": "add", "plugin": "p", "function": "add2", "args": [40], "kwargs": {"b": 2}, "data": null}]}
            """)
        defer { fixture.remove() }
        #expect(summary.status == .succeeded, "\(summary.text)")
        let ask = try Self.json(fixture, "0/ask.json")
        #expect(ask["name"] == "Ada")
        #expect(ask["file"] == ["path": .string(fixture.directory.path + "/x.tif")], "api_version 0.1.5: one {path}")
        #expect(ask["form"] == ["size": 3], "no answer: the form's defaults")
        #expect(ask["setupName"] == "InteractiveJS")
        #expect(try Self.json(fixture, "0/win.window1.json")["data"] == ["value": "last"])
        #expect(
            try Self.json(fixture, "0/utils.json")["refused"] == "api.utils.showSaveFilePicker is not available in batch runs (imjoy-run)")
        #expect(try Self.json(fixture, "0/add.json")["sum"] == 42)
    }
}
