import Foundation
import ImJoyPlugin
import ImJoySchema
import ImJoyWorkflow
import Synchronization
import TestSupport
import Testing

@testable import ImJoyEngine

/// Issue #17: the runtime a plugin runs on is part of its cache key and of provenance.
@Suite struct RuntimeIdentityTests {
    /// The version `python --version` prints (`3.11.7`), or `nil` when it does not run.
    static func version(of python: String) -> String? {
        guard let output = try? ProbeProcess.run([python, "--version"], environment: nil) else { return nil }
        return output.split(separator: " ").last.map { $0.trimmingCharacters(in: .whitespacesAndNewlines) }
    }

    static let defaultPython: String? = (try? PythonInterpreter.resolve("python3"))?.first

    /// Another interpreter than the default one, of another version (3.8 or later).
    static let secondPython: String? = {
        guard let first = defaultPython, let firstVersion = version(of: first) else { return nil }
        let pyenv = FileManager.default.homeDirectoryForCurrentUser.appendingPathComponent(".pyenv/versions").path
        let versions = ((try? FileManager.default.contentsOfDirectory(atPath: pyenv)) ?? []).sorted()
        let candidates = ["/usr/bin/python3"] + versions.map { "\(pyenv)/\($0)/bin/python3" }
        for candidate in candidates where FileManager.default.isExecutableFile(atPath: candidate) {
            guard let version = version(of: candidate), version != firstVersion else { continue }
            let parts = version.split(separator: ".").compactMap { Int($0) }
            if parts.count >= 2, parts[0] == 3, parts[1] >= 8 { return candidate }
        }
        return nil
    }()

    static let node: String? = (try? PythonInterpreter.resolve("node"))?.first

    @Test(.enabled(if: defaultPython != nil, "needs python3 on PATH"))
    func probesTheDefaultPython() throws {
        let python = try #require(Self.defaultPython)
        let host = try HostRuntime.python.hostProgram()
        let identity = try RuntimeIdentity.probe(command: [python], runtime: "python", hostProgram: host)
        #expect(identity.version == Self.version(of: python))
        #expect(identity.runtime == "python" && identity.interpreter.hasPrefix("/"))
        #expect(identity.packages?.count == 64 && (identity.packageCount ?? 0) > 0, "\(identity)")
        #expect(identity.host.count == 64)
        // The same interpreter under the same command: the same identity, without running it again.
        #expect(try RuntimeIdentity.probe(command: [python], runtime: "python", hostProgram: host) == identity)
    }

    @Test func aRecordIsValidWhileItsFoldersAreUnchanged() throws {
        let directory = try Fixtures.temporaryDirectory("runtime-identity")
        defer { try? FileManager.default.removeItem(at: directory) }
        let folder = directory.appendingPathComponent("site-packages")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        let identity = RuntimeIdentity(runtime: "python", interpreter: "/x/python", version: "3.11.7", packages: "p", host: "h")
        let record = directory.appendingPathComponent("record.json")
        ProbeRecord.write(identity, folders: [folder.path], to: record)
        #expect(ProbeRecord.read(record) == identity)
        Thread.sleep(forTimeInterval: 0.01)
        try Data("x".utf8).write(to: folder.appendingPathComponent("new_package.py"))  // pip install
        #expect(ProbeRecord.read(record) == nil)
    }

    @Test func explainsEachChange() {
        let old = RuntimeIdentity(
            runtime: "python", interpreter: "/a/python3", version: "3.11.7", packages: "p1", packageCount: 40, host: "h")
        var new = old
        new.version = "3.11.2"
        new.interpreter = "/usr/bin/python3"
        #expect(
            RuntimeIdentity.changes(from: old, to: new) == [
                "python changed 3.11.7 → 3.11.2", "python interpreter changed /a/python3 → /usr/bin/python3",
            ])
        var packages = old
        packages.packages = "p2"
        packages.packageCount = 41
        #expect(RuntimeIdentity.changes(from: old, to: packages) == ["python packages changed (40 → 41 distributions)"])
        var host = old
        host.host = "h2"
        #expect(RuntimeIdentity.changes(from: old, to: host) == ["plugin host program changed"])
    }

    @Test(.enabled(if: node != nil, "needs node on PATH"))
    func probesNode() throws {
        let node = try #require(Self.node)
        let identity = try RuntimeIdentity.probe(command: [node], runtime: "node", hostProgram: HostRuntime.javascript.hostProgram())
        #expect(identity.version.hasPrefix("v") && identity.packages == nil, "\(identity)")
    }

    @Test(.enabled(if: secondPython != nil, "needs a second Python of another version (~/.pyenv/versions or /usr/bin/python3)"))
    func anInterpreterChangeIsAMissWithTheReason() throws {
        let first = try #require(Self.defaultPython)
        let second = try #require(Self.secondPython)
        let directory = try Fixtures.temporaryDirectory("runtime-identity")
        defer {
            // A host process prestarted by a run whose calls all hit may still create its
            // workspace after the run's shutdown (a host-layer race): remove until it stays gone.
            for _ in 0..<20 {
                try? FileManager.default.removeItem(at: directory)
                Thread.sleep(forTimeInterval: 0.1)
                if !FileManager.default.fileExists(atPath: directory.path) { break }
            }
        }
        let plan = try WhichPython.plan(in: directory)
        let cache = directory.appendingPathComponent("cache")
        let a = try WhichPython.run(plan, python: first, cache: cache, directory: directory)
        let b = try WhichPython.run(plan, python: second, cache: cache, directory: directory)
        let versions = (try #require(Self.version(of: first)), try #require(Self.version(of: second)))
        #expect(a.results["0"]?["python"]?.stringValue == versions.0)
        #expect(b.results["0"]?["python"]?.stringValue == versions.1, "the other interpreter's cached result was returned")
        #expect(b.stats.hits == 0 && b.stats.misses == 2, "\(b.stats)")
        #expect(b.log.contains { $0.contains("python changed \(versions.0) → \(versions.1)") }, "\(b.log)")
        let runtime = b.provenance["lineage"]?.arrayValue?.first?["runtime"]
        #expect(runtime?["version"]?.stringValue == versions.1, "\(b.provenance)")
        let again = try WhichPython.run(plan, python: first, cache: cache, directory: directory)
        #expect(again.stats.hits == 2 && again.results["0"]?["python"]?.stringValue == versions.0)
    }
}

/// A functional plugin that answers with its interpreter's version.
private enum WhichPython {
    static let plugin = """
        <config lang="json">
        {"name": "WhichPython", "type": "native-python", "version": "0.1.0", "api_version": "0.1.8",
         "flags": ["functional"], "requirements": [], "cmd": "python", "ui": ""}
        </config>
        <script lang="python">
        import sys
        from imjoy import api

        class ImJoyPlugin:
            def setup(self):
                pass

            def run(self, ctx):
                return {"value": ctx.data * 2, "python": ".".join(map(str, sys.version_info[:3]))}

        api.export(ImJoyPlugin())
        </script>
        """

    static func plan(in directory: URL) throws -> WorkflowPlan {
        try plugin.write(to: directory.appendingPathComponent("WhichPython.imjoy.html"), atomically: true, encoding: .utf8)
        let file = directory.appendingPathComponent("which.json")
        try """
        {"name": "which", "plugins": {"which": "WhichPython.imjoy.html"}, "inputs": {"n": [1, 2]},
         "ops": [{"id": "ask", "plugin": "which", "data": "$inputs.n"}]}
        """.write(to: file, atomically: true, encoding: .utf8)
        return try WorkflowPlan(
            WorkflowValidator(resolver: PluginResolver(environment: [:])).validate(WorkflowLoader.load(contentsOf: file.path)))
    }

    final class Sink: ResultSink {
        let results = Mutex<[String: JSONValue]>([:])
        func write(_ result: JSONValue, op: PlannedOp, item: WorkItem) throws -> [String] {
            results.withLock { $0[item.key] = result }
            return []
        }
    }

    final class Log: Sendable {
        let lines = Mutex<[String]>([])
    }

    struct Run {
        var results: [String: JSONValue]
        var log: [String]
        var stats: (hits: Int, misses: Int, stores: Int)
        var provenance: JSONValue
    }

    static func run(_ plan: WorkflowPlan, python: String, cache: URL, directory: URL) throws -> Run {
        let log = Log()
        let diskCache = DiskCache(directory: cache.path, plan: plan, log: { line in log.lines.withLock { $0.append(line) } })
        let provenance = ProvenanceBuilder(plan: plan)
        let options = PluginHostOptions(
            interpreter: python, stateDirectory: directory.appendingPathComponent("state").path,
            environmentCache: directory.appendingPathComponent("envs").path, jobs: 1)
        let invoker = try EngineInvoker(plan: plan, hosts: options, provenance: provenance)
        defer { invoker.shutdown() }
        let sink = Sink()
        let summary = WorkflowExecutor(
            plan: plan, invoker: invoker, options: RunOptions(jobs: 1, outputDirectory: directory.path),
            sink: sink, cache: diskCache
        ).run()
        #expect(summary.failures.isEmpty, "\(summary.failures.map(\.message))")
        return Run(
            results: sink.results.withLock { $0 }, log: log.lines.withLock { $0 }, stats: diskCache.statistics,
            provenance: provenance.document(op: "ask", item: plan.items[0]))
    }
}
