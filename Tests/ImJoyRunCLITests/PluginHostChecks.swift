import Foundation
import ImJoySchema
import TestSupport
import Testing

/// What every plugin host (Python, Node.js) must show, checked end to end with a host's test
/// plugins in `Tests/Fixtures/plugins/<language>/`.
enum PluginHostChecks {
    /// Runs a two-op workflow on `Echo`, whose `run(ctx)` reports ctx as it sees it (`config`,
    /// `data`, `workflow_id`, `op`, `source_op`, `variables`, `transfer`, `name_field`, `cwd`,
    /// `work_dir`), checks what every host shares, and returns the first op's report of item 0.
    static func ctxAsThePluginSeesIt(echo plugin: String, name: String, extra: [String] = []) throws -> JSONValue {
        let directory = try PythonHostTests.folder(
            """
            {"name": "ctx", "plugins": {"echo": "\(plugin)"}, "variables": {"v": 1},
             "inputs": {"n": [10, 20]},
             "ops": [{"id": "first", "plugin": "echo", "config": {"scale": 3}},
                     {"id": "second", "plugin": "echo", "data": {"x": "$first", "nested": [1, {"a": "b"}]}}]}
            """)
        defer { try? FileManager.default.removeItem(at: directory) }
        let result = try PythonHostTests.run(directory, extra)
        #expect(result.status == 0, "\(result.standardError)")
        let first = try #require(try PythonHostTests.json(directory, "0/second.json")["data"]?["x"])
        #expect(first["config"] == ["scale": 3])
        #expect(first["data"] == 10)
        #expect(first["workflow_id"] == "ctx-0")
        #expect(first["op"] == .string(name), "ImJoy's _op: the op's own name (the plugin's, for run)")
        #expect(first["source_op"] == .null)
        #expect(first["variables"] == ["v": 1])
        #expect(first["transfer"] == false)
        #expect(first["name_field"] == .string(name))
        #expect(first["cwd"] == first["work_dir"])
        let second = try PythonHostTests.json(directory, "1/second.json")
        #expect(second["data"]?["x"]?["data"] == 20)
        #expect(second["data"]?["nested"] == [1, ["a": "b"]])
        #expect(second["source_op"] == .string(name), "ImJoy's _source_op: the previous op's name")
        #expect(second["config"] == ["scale": 2], "ui defaults")
        return first
    }

    // MARK: - Faults (the `Faulty` plugin: `run(ctx)` crashes as `ctx.data` says, hangs on
    // `"hang"`, and returns `{pid, value}` otherwise)

    /// The process dies during item 1 (`what`): that item fails with `reason`; item 2 runs in a new process.
    static func crashFailsItsItemAndIsReplaced(plugin: String, what: String, reason: String) throws {
        let directory = try PythonHostTests.folder(
            """
            {"name": "crash", "plugins": {"f": "\(plugin)"}, "inputs": {"what": ["a", "\(what)", "b"]},
             "ops": [{"id": "f", "plugin": "f"}]}
            """)
        defer { try? FileManager.default.removeItem(at: directory) }
        let result = try PythonHostTests.run(directory)
        #expect(result.status == 1)
        let failed = PythonHostTests.tasks(result).filter { $0["status"] == "failed" }
        #expect(failed.count == 1)
        #expect(failed.first?["item_index"] == 1)
        #expect(failed.first?["error"]?.stringValue?.contains(reason) == true, "\(failed)")
        let first = try PythonHostTests.json(directory, "0/f.json")
        let last = try PythonHostTests.json(directory, "2/f.json")
        #expect(last["value"] == "b")
        #expect(first["pid"] != last["pid"], "a new process after the crash")
    }

    /// A call past the op's `timeout` is killed and fails as timed out; the next item gets a new
    /// process; none outlives the run.
    static func hungCallIsKilledAtItsTimeout(plugin: String, name: String) throws {
        let directory = try PythonHostTests.folder(
            """
            {"name": "hang", "plugins": {"f": "\(plugin)"}, "inputs": {"what": ["hang", "after"]},
             "ops": [{"id": "f", "plugin": "f", "timeout": 2}]}
            """)
        defer { try? FileManager.default.removeItem(at: directory) }
        let start = Date()
        let result = try PythonHostTests.run(directory)
        #expect(Date().timeIntervalSince(start) < 30)
        #expect(result.status == 1)
        let failed = PythonHostTests.tasks(result).filter { $0["status"] == "failed" }
        #expect(failed.first?["error"]?.stringValue?.contains("timed out") == true, "\(failed)")
        #expect(try PythonHostTests.json(directory, "1/f.json")["value"] == "after")
        #expect(try PythonHostTests.startedProcesses(directory, plugin: name).count == 2)
        for pid in try PythonHostTests.startedProcesses(directory, plugin: name) {
            #expect(kill(pid_t(pid), 0) != 0, "process \(pid) outlived the runner")
        }
    }

    /// SIGINT/SIGTERM to the runner while a call hangs: it exits 128 + the signal and stops the
    /// plugin's process.
    static func noPluginProcessOutlivesAnInterruptedRun(plugin: String, name: String, signal: Int32) throws {
        let directory = try PythonHostTests.folder(
            """
            {"name": "int", "plugins": {"f": "\(plugin)"}, "inputs": {"what": ["hang"]},
             "ops": [{"id": "f", "plugin": "f"}]}
            """)
        defer { try? FileManager.default.removeItem(at: directory) }
        let process = Process()
        process.executableURL = Fixtures.imjoyRunExecutable
        process.arguments = ["run", "w.json", "--out", "out", "--no-progress"]
        process.currentDirectoryURL = directory
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        try process.run()
        var pids: [Int] = []
        for _ in 0..<200 where pids.isEmpty {
            usleep(50_000)
            pids = (try? PythonHostTests.startedProcesses(directory, plugin: name)) ?? []
        }
        #expect(pids.count == 1)
        usleep(200_000)
        kill(process.processIdentifier, signal)
        process.waitUntilExit()
        #expect(process.terminationStatus == 128 + signal)
        for pid in pids { #expect(kill(pid_t(pid), 0) != 0, "process \(pid) outlived the runner") }
    }

    /// The /dev/shm segments a run in `directory` left behind: the runner's
    /// `imjoy-run-<runner>-<host pid>-N` and the host's `imjoy-run-py|js-<host pid>-N`, for the
    /// processes `plugin`'s log says were started (other runs share /dev/shm meanwhile).
    static func sharedMemoryLeftBehind(_ directory: URL, plugin: String) throws -> [String] {
        let pids = try PythonHostTests.startedProcesses(directory, plugin: plugin)
        #expect(!pids.isEmpty, "no process of \(plugin) was started")
        return try FileManager.default.contentsOfDirectory(atPath: "/dev/shm").filter { name in
            name.hasPrefix("imjoy-run-") && pids.contains { name.contains("-\($0)-") }
        }
    }
}
