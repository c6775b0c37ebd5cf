import Foundation
import ImJoyPlugin
import ImJoySchema
import ImJoyWorkflow
import TestSupport

@testable import ImJoyEngine

/// Interpreters and tools of this machine the environment tests need.
enum EnvironmentConditions {
    static func interpreter(_ version: String) -> PythonInterpreter.Found? {
        PythonInterpreter.find(version: version, search: [], environment: ProcessInfo.processInfo.environment)
    }

    static let python37 = interpreter("3.7")
    static let python311 = interpreter("3.11")
    static let git = Subprocess.which("git") != nil
    /// bwrap on PATH and allowed to make namespaces here.
    static let bubblewrap: Bool = {
        guard Subprocess.which("bwrap") != nil else { return false }
        return (try? Subprocess(["bwrap", "--ro-bind", "/", "/", "--dev", "/dev", "true"]).run())?.succeeded == true
    }()
}

/// A temporary folder with plugin files and a workflow; `remove()` in a `defer`.
struct EnvironmentFixture {
    let directory: URL
    var path: String { directory.path }
    var cache: String { path + "/envs" }

    init() throws {
        directory = try Fixtures.temporaryDirectory("imjoy-run-envs")
    }

    func remove() { try? FileManager.default.removeItem(at: directory) }

    /// Writes a native-python plugin `name` whose `run` returns `returns` (a Python expression
    /// over `sys`, `os`, `ctx`), with `config` fields added to its config.
    @discardableResult
    func plugin(_ name: String, config: String = "", imports: String = "", returns: String) throws -> String {
        let file = path + "/\(name).imjoy.html"
        let text = """
            <config lang="json">
            {"name": "\(name)", "type": "native-python", "version": "0.1.0", "api_version": "0.1.8", "flags": ["functional"]\(config.isEmpty ? "" : ", " + config)}
            </config>
            <script lang="python">
            import os
            import sys
            \(imports)
            from imjoy import api


            class ImJoyPlugin:
                def run(self, ctx):
                    return \(returns)


            api.export(ImJoyPlugin())
            </script>
            """
        try text.write(toFile: file, atomically: true, encoding: .utf8)
        return file
    }

    /// Runs `ops` (JSON) of plugins `plugins` (alias → file) through ``WorkflowRun``.
    func run(plugins: [String: String], ops: String, out: String = "out", python: String? = nil) throws -> WorkflowRunSummary {
        let entries = plugins.map { "\"\($0.key)\": \"\($0.value)\"" }.joined(separator: ", ")
        let workflow = "{\"name\": \"envs\", \"plugins\": {\(entries)}, \"ops\": \(ops)}"
        let file = path + "/w.json"
        try workflow.write(toFile: file, atomically: true, encoding: .utf8)
        let plan = try WorkflowPlan(
            WorkflowValidator(resolver: PluginResolver(environment: [:])).validate(WorkflowLoader.load(contentsOf: file)))
        var options = WorkflowRunOptions(outputDirectory: path + "/" + out)
        (options.jobs, options.environmentCache, options.python) = (1, cache, python)
        return try WorkflowRun(plan: plan, options: options).run()
    }

    func json(_ relative: String, out: String = "out") throws -> JSONValue {
        let file = path + "/" + out + "/" + relative
        guard FileManager.default.fileExists(atPath: file) else {
            let found = FileManager.default.enumerator(atPath: path + "/" + out)?.allObjects.map { "\($0)" } ?? []
            throw MissingOutput(path: relative, found: found.filter { !$0.hasPrefix(".imjoy-run") })
        }
        return try JSONValue(jsonBytes: [UInt8](Data(contentsOf: URL(fileURLWithPath: path + "/" + out + "/" + relative))))
    }

    /// Options of the Python host with this fixture's environment cache.
    func options(interpreter: String? = nil, toolPath: String? = nil) -> PythonHostOptions {
        PythonHostOptions(interpreter: interpreter, environmentCache: cache, pythonSearch: [], toolPath: toolPath)
    }
}

/// An output a test expected, with what the out folder holds.
struct MissingOutput: Error, CustomStringConvertible {
    var path: String
    var found: [String]
    var description: String { "no \(path) in the out folder; it holds \(found.sorted())" }
}
