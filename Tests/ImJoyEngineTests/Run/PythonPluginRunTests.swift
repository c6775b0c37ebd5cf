import Foundation
import ImJoySchema
import TestSupport
import Testing

@testable import ImJoyEngine

/// Python plugins in whole runs through the engine's API (converted from the CLI's
/// PythonHostTests; the binary's own handling — signals, exit codes — stays there).
@Suite(.enabled(if: RunTestConditions.pythonWithNumpy, "needs python3 with numpy"))
struct PythonPluginRunTests {
    static func plugin(_ name: String) -> String { Fixtures.url("plugins/python/\(name).imjoy.html").path }

    /// A run of `workflow` (no input files) in a fresh folder; the folder is removed by `body`'s caller.
    static func run(_ workflow: String, jobs: Int = 2, state: String? = nil, in fixture: RunFixture? = nil)
        throws -> (fixture: RunFixture, summary: WorkflowRunSummary, events: [TaskEvent])
    {
        let fixture = try fixture ?? RunFixture(count: 0, workflow: workflow)
        let events = EventLog()
        var options = fixture.options()
        (options.jobs, options.observers) = (jobs, [events])
        options.stateDirectory = state.map { fixture.directory.appendingPathComponent($0).path }
        let summary = try fixture.run(options)
        return (fixture, summary, events.all)
    }

    static func json(_ fixture: RunFixture, _ path: String) throws -> JSONValue {
        try JSONValue(jsonBytes: [UInt8](Data(contentsOf: fixture.out.appendingPathComponent(path))))
    }

    @Test func bytesErrorsAndNestedValuesRoundTrip() throws {
        let (fixture, summary, _) = try Self.run(
            """
            {"name": "kinds", "plugins": {"echo": "\(Self.plugin("Echo"))"},
             "ops": [{"id": "kinds", "plugin": "echo", "op": "Kinds"},
                     {"id": "pass", "plugin": "echo", "op": "Pass"},
                     {"id": "check", "plugin": "echo", "op": "CheckKinds"}]}
            """)
        defer { fixture.remove() }
        #expect(summary.status == .succeeded, "\(summary.text)")
        let check = try #require(try Self.json(fixture, "0/check.json").objectValue)
        #expect(check.count == 7)
        for (key, value) in check { #expect(value == true, "\(key)") }
    }

    @Test func apiConfigPersistsInTheStateFolder() throws {
        let fixture = try RunFixture(
            count: 0,
            workflow: """
                {"name": "cfg", "plugins": {"st": "\(Self.plugin("Stateful"))"},
                 "ops": [{"id": "count", "plugin": "st", "op": "Count"}]}
                """)
        defer { fixture.remove() }
        for expected in 1...2 {
            let (_, summary, _) = try Self.run("", state: "state", in: fixture)
            #expect(summary.status == .succeeded, "\(summary.text)")
            #expect(try Self.json(fixture, "0/count.json")["runs"]?.intValue == expected)
        }
    }

    @Test func interactiveApiIsAnsweredFromAnswersOrFailsNamingTheEntry() throws {
        let (fixture, summary, events) = try Self.run(
            """
            {"name": "ask", "plugins": {"st": "\(Self.plugin("Stateful"))"},
             "ops": [{"id": "given", "plugin": "st", "op": "Ask", "answers": {"showFileDialog": "/data/x.tif"}},
                     {"id": "missing", "plugin": "st", "op": "Ask", "data": null}]}
            """)
        defer { fixture.remove() }
        #expect(summary.exitCode == 1)
        #expect(try Self.json(fixture, "0/given.json")["path"] == [["path": "/data/x.tif"]], "api_version 0.1.8: a list of {path}")
        let missing = events.first { $0.op == "missing" }
        #expect(
            missing?.error?.contains(
                #"api.showFileDialog('Pick a file') waits for a person; add "answers": {"showFileDialog": "path/to/file"} to the op in the workflow"#
            ) == true,
            "\(String(describing: missing))")
    }

    @Test func windowsBecomeOutputsAndPluginsCallEachOther() throws {
        let (fixture, summary, _) = try Self.run(
            """
            {"name": "win", "plugins": {"st": "\(Self.plugin("Stateful"))", "echo": "\(Self.plugin("Echo"))"},
             "ops": [{"id": "w", "plugin": "st", "op": "Window"}, {"id": "c", "plugin": "st", "op": "CallEcho", "data": null}]}
            """)
        defer { fixture.remove() }
        #expect(summary.status == .succeeded, "\(summary.text)")
        #expect(try Self.json(fixture, "0/w.json")["window"] == "preview")
        #expect(FileManager.default.fileExists(atPath: fixture.out.appendingPathComponent("0/w.window1.tif").path))
        #expect(try Self.json(fixture, "0/w.window1.json")["type"] == "imjoy/image")
        #expect(try String(contentsOf: fixture.out.appendingPathComponent("0/note.txt"), encoding: .utf8) == "hello")
        #expect(try Self.json(fixture, "0/c.json")["echo_value"] == 7)
    }

    @Test func functionalPluginWithTwoJobsRunsInTwoProcesses() throws {
        let (fixture, summary, _) = try Self.run(
            """
            {"name": "pool", "plugins": {"echo": "\(Self.plugin("Echo"))"}, "inputs": {"n": {"values": \(Array(0..<100))}},
             "ops": [{"id": "pid", "plugin": "echo", "op": "Pid"}]}
            """)
        defer { fixture.remove() }
        #expect(summary.status == .succeeded, "\(summary.text)")
        var pids = Set<Int>()
        for index in 0..<100 {
            let value = try Self.json(fixture, String(format: "%02d/pid.json", index))
            #expect(value["value"]?.intValue == index)
            if let pid = value["pid"]?.intValue { pids.insert(pid) }
        }
        #expect(pids.count == 2, "\(pids)")
    }

    @Test func nonFunctionalPluginSeesItemsInOrder() throws {
        let (fixture, summary, _) = try Self.run(
            """
            {"name": "ord", "plugins": {"st": "\(Self.plugin("Stateful"))"}, "inputs": {"n": {"values": \(Array(0..<20))}},
             "ops": [{"id": "seen", "plugin": "st"}]}
            """, jobs: 4)
        defer { fixture.remove() }
        #expect(summary.status == .succeeded, "\(summary.text)")
        for index in 0..<20 {
            let seen = try Self.json(fixture, String(format: "%02d/seen.json", index))
            #expect(seen["seen"] == .array((0...index).map { .integer(Int64($0)) }))
        }
    }

    @Test func exceptionFailsTheItemWithItsTraceback() throws {
        let (fixture, summary, events) = try Self.run(
            """
            {"name": "err", "plugins": {"f": "\(Self.plugin("Faulty"))"}, "inputs": {"what": ["raise", "fine"]},
             "ops": [{"id": "f", "plugin": "f"}]}
            """)
        defer { fixture.remove() }
        #expect(summary.exitCode == 1)
        #expect((summary.succeededItems, summary.failedItems) == (1, 1))
        let error = events.first { $0.status == .failed }?.error ?? ""
        #expect(error.contains("ValueError: boom: raise"), "\(error)")
        #expect(error.contains("Traceback (most recent call last)") && error.contains("in explode"), "\(error)")
        #expect(try Self.json(fixture, "1/f.json")["value"] == "fine")
        let log = try String(contentsOf: fixture.out.appendingPathComponent(".imjoy-run/plugins/Faulty/plugin.log"), encoding: .utf8)
        #expect(log.contains("stdout line for fine"))
    }

    @Test func setupFailureFailsEveryItemWithoutRestartingForEach() throws {
        let (fixture, summary, events) = try Self.run(
            """
            {"name": "broken", "plugins": {"b": "\(Self.plugin("BrokenSetup"))"}, "inputs": {"n": [1, 2, 3, 4]},
             "ops": [{"id": "b", "plugin": "b"}]}
            """, jobs: 1)
        defer { fixture.remove() }
        #expect(summary.exitCode == 1 && summary.failedItems == 4)
        let failed = events.filter { $0.status == .failed }
        #expect(failed.count == 4)
        for task in failed {
            let error = task.error ?? ""
            #expect(
                error.contains("the plugin failed to load or set up: RuntimeError: no model file") && error.contains("in setup"), "\(error)"
            )
        }
        let log = try String(contentsOf: fixture.out.appendingPathComponent(".imjoy-run/plugins/BrokenSetup/plugin.log"), encoding: .utf8)
        #expect(!log.contains("ready"))
    }
}
