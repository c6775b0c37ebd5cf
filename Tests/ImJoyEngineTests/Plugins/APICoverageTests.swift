import Foundation
import ImJoySchema
import TestSupport
import Testing

@testable import ImJoyEngine

/// Every function of ImJoy's api, called once from a web-worker (Node.js host) and a
/// native-python (Python host) plugin: each is implemented or refused by name — calling it
/// either works or fails with a message naming it, never a silent no-op.
///
/// The list: imjoy-core's `imjoy_api` (src/pluginManager.js), the ImJoy app's additions
/// (Imjoy.vue: `uploadFileToUrl`, `downloadFileFromUrl`, `updateWindow`) and imjoy-rpc's own
/// (`registerCodec`, `init`, `dispose`, `disposeObject`). `export` is left out (calling it again
/// would replace the plugin) and `api.utils.*` is tested with the interactive api.
@Suite struct APICoverageTests {
    /// Function → the arguments it is called with.
    static let calls: [(String, JSONValue)] = [
        ("alert", ["hi"]), ("prompt", ["a number?"]), ("confirm", ["sure?"]), ("requestUploadUrl", [[:]]),
        ("getFileUrl", [["path": "x.txt"]]), ("getFilePath", [[:]]), ("log", ["a line"]), ("error", ["an error"]),
        ("progress", [50]), ("exportFile", ["text", "coverage.txt"]), ("showDialog", [["name": "d", "type": "imjoy/generic"]]),
        ("showFileDialog", [[:]]), ("showProgress", [10]), ("showStatus", ["busy"]), ("showSnackbar", ["snack"]),
        ("showMessage", ["message"]), ("register", [["name": "cov-op", "type": "operator"]]), ("unregister", [["name": "cov-op"]]),
        ("registerService", [["name": "svc", "type": "x"]]), ("unregisterService", [["name": "svc"]]),
        ("createWindow", [["name": "w", "type": "imjoy/generic", "data": [:]]]), ("loadPlugin", [[:]]),
        ("getPlugin", ["ApiCoverageJs"]), ("getWindow", ["w"]), ("run", ["NotLoaded"]), ("call", ["NotLoaded", "f"]),
        ("connectToServer", [[:]]), ("installPlugin", [[:]]), ("uninstallPlugin", [[:]]), ("getServices", [[:]]),
        ("getFileManager", [""]), ("getEngineFactory", [""]), ("getEngine", [""]), ("setConfig", ["k", 1]), ("getConfig", ["k"]),
        ("getAttachment", ["att"]), ("onClose", []), ("echo", ["e"]), ("uploadFileToUrl", [[:]]), ("downloadFileFromUrl", [[:]]),
        ("updateWindow", [["id": "w", "data": [:]]]), ("registerCodec", [["name": "c"]]), ("init", []), ("dispose", []),
        ("disposeObject", [[:]]),
    ]

    /// Functions every batch run must honour (they have a meaning headless).
    static let implemented: Set<String> = [
        "alert", "log", "error", "progress", "showProgress", "showStatus", "showSnackbar", "showMessage", "echo", "getConfig",
        "setConfig", "getAttachment", "exportFile", "createWindow", "getWindow", "register", "unregister", "registerService",
        "unregisterService", "getPlugin",
    ]

    @Test(.enabled(if: RealPluginRun.hasNode && RealPluginRun.hasPython, "needs Node.js and python3"))
    func everyApiFunctionIsImplementedOrRefusedByName() throws {
        let directory = try Fixtures.temporaryDirectory("imjoy-run-api-coverage")
        defer { try? FileManager.default.removeItem(at: directory) }
        let arguments = JSONValue.object(JSONObject(uniqueKeysWithValues: Self.calls.map { ($0.0, $0.1) }))
        let cross = RealPluginRun.root.appendingPathComponent("cross").path
        let workflow = """
            {"name": "coverage", "plugins": {"js": "\(cross)/ApiCoverageJs.imjoy.html", "py": "\(cross)/ApiCoveragePy.imjoy.html"},
             "inputs": {"calls": {"values": [\(arguments.serialized())]}},
             "ops": [{"id": "js", "plugin": "js", "data": "$inputs.calls"}, {"id": "py", "plugin": "py", "data": "$inputs.calls"}]}
            """
        try workflow.write(to: directory.appendingPathComponent("w.json"), atomically: true, encoding: .utf8)
        let run = try RealPluginRun(directory.appendingPathComponent("w.json").path)
        defer { run.remove() }
        #expect(run.summary.exitCode == 0, "\(run.summary.text) \(run.tasks.compactMap(\.error))")
        for host in ["js", "py"] {
            let report = try #require(try run.json("0/\(host).json").objectValue, "\(host)")
            #expect(report.count == Self.calls.count, "\(host): \(report.count) of \(Self.calls.count) reported")
            for (name, _) in Self.calls {
                let entry = report[name]
                if entry?["ok"] == true {
                    continue
                }
                let message = entry?["error"]?.stringValue ?? "(no report)"
                #expect(!Self.implemented.contains(name), "\(host): api.\(name) must work headless: \(message)")
                #expect(message.contains(name), "\(host): api.\(name) failed without naming it: \(message)")
            }
        }
    }
}
