import Foundation
import ImJoyPlugin
import ImJoySchema
import ImJoyWorkflow
import TestSupport
import Testing

@testable import ImJoyEngine

/// Errors name the plugin's runtime (`JavaScript plugin X:` / `Python plugin X:`) and show only the
/// plugin's own stack lines, with the plugin file's line numbers: a throwing web-worker plugin, a
/// raising Python plugin, and ImJoy's PyImageJ demo, whose import fails without ImageJ.
@Suite struct PluginErrorTextTests {
    /// Runs `plugin` (a path below `Tests/Fixtures/`) as op `e` with `data`, returning the op's error.
    static func error(of plugin: String, data: JSONValue) throws -> String {
        let directory = try TemporaryDirectory("imjoy-run-error-text")
        defer { withExtendedLifetime(directory) {} }
        let workflow = directory.appending("w.json")
        try
            #"{"name": "e", "plugins": {"p": "\#(Fixtures.url(plugin).path)"}, "ops": [{"id": "e", "plugin": "p", "data": \#(data.serialized())}]}"#
            .write(to: workflow, atomically: true, encoding: .utf8)
        let run = try RealPluginRun(workflow.path)
        defer { run.remove() }
        #expect(run.summary.exitCode == 1)
        return run.error(op: "e") ?? ""
    }

    /// The 1-based line of the plugin file that contains `text`.
    static func line(of text: String, in plugin: String) throws -> Int {
        let lines = try String(contentsOf: Fixtures.url(plugin), encoding: .utf8).components(separatedBy: "\n")
        return try #require(lines.firstIndex { $0.contains(text) }) + 1
    }

    @Test(.enabled(if: RealPluginRun.hasNode, "needs Node.js"))
    func aThrowingJavaScriptPlugin() throws {
        let plugin = "plugins/javascript/Faulty.imjoy.html"
        let error = try Self.error(of: plugin, data: "throw")
        let lines = error.components(separatedBy: "\n")
        #expect(lines.first == "JavaScript plugin JsFaulty: RangeError: boom: throw", "\(error)")
        let thrown = try Self.line(of: "throw new RangeError", in: plugin)
        #expect(lines.dropFirst().first?.hasPrefix("    at explode (JsFaulty script 1:\(thrown):") == true, "\(error)")
        #expect(lines.dropFirst().allSatisfy { $0.contains("(JsFaulty script 1:") }, "only the plugin's frames: \(error)")
        #expect(!error.contains("Python") && !error.contains("node:") && !error.contains("imjoy_host"), "\(error)")
    }

    @Test(.enabled(if: RealPluginRun.hasPython, "needs python3"))
    func aRaisingPythonPlugin() throws {
        let plugin = "plugins/python/Faulty.imjoy.html"
        let error = try Self.error(of: plugin, data: "raise")
        let raised = try Self.line(of: "raise ValueError", in: plugin)
        let called = try Self.line(of: "explode(what)", in: plugin)
        #expect(
            error == """
                Python plugin Faulty: ValueError: boom: raise
                Traceback (most recent call last):
                  File "<Faulty script 1>", line \(called), in run
                  File "<Faulty script 1>", line \(raised), in explode
                """, "\(error)")
    }

    /// ImJoy's PyImageJ demo imports `imagej` at load: without it, every call fails naming the
    /// runtime, the load and the plugin's own import line.
    @Test(
        .enabled(
            if: RealPluginRun.hasPython && (try? CommandRunner.python("import imagej"))?.status != 0, "needs python3 without pyimagej"))
    func aPythonPluginThatCannotLoad() throws {
        let plugin = "real-plugins/imjoy-demo-plugins/demos/PyImageJ-Demo.imjoy.html"
        let error = try Self.error(of: plugin, data: .null)
        let imported = try Self.line(of: "import imagej", in: plugin)
        #expect(
            error == """
                Python plugin PyImageJ-Demo: the plugin failed to load or set up: ModuleNotFoundError: No module named 'imagej'
                Traceback (most recent call last):
                  File "<PyImageJ-Demo script 1>", line \(imported), in <module>
                """, "\(error)")
    }

    /// ImJoy's maui demo depends on a plugin of another repository, which no local folder holds:
    /// `validate` names it (a batch run never downloads plugins) before anything starts.
    @Test func aDependencyThatCannotBeLoadedIsNamedAtValidate() throws {
        let file = Fixtures.url("real-plugins/imjoy-demo-plugins/demos/maui-demo.imjoy.html").path
        let workflow = try WorkflowLoader.load(
            text: #"{"name": "m", "plugins": {"p": "\#(file)"}, "ops": [{"id": "m", "plugin": "p"}]}"#, file: "w.json")
        do {
            _ = try WorkflowValidator(resolver: PluginResolver(environment: [:])).validate(workflow)
            Issue.record("maui-demo was accepted")
        } catch {
            let line = error.errors.map(\.description).joined(separator: "\n")
            #expect(
                line.hasPrefix(
                    "w.json: plugins.p: dependency 'oeway/ImJoy-Plugins:Im2Im-Dashboard' of plugin maui-demo cannot be loaded: "),
                "\(line)")
            #expect(!line.contains("\n"))
        }
    }
}
