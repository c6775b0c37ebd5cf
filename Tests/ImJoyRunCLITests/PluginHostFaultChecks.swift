import Foundation
import ImJoySchema
import Testing
import TestSupport

/// Fault handling every plugin host must show, checked end to end with a host's `Faulty` test
/// plugin (`Tests/Fixtures/plugins/<language>/Faulty.imjoy.html`): its `run(ctx)` crashes as
/// `ctx.data` says, hangs on `"hang"`, and returns `{pid, value}` otherwise.
enum PluginHostFaultChecks {
    /// The process dies during item 1 (`what`): that item fails with `reason`; item 2 runs in a new process.
    static func crashFailsItsItemAndIsReplaced(plugin: String, what: String, reason: String) throws {
        let directory = try PythonHostTests.folder("""
            {"name": "crash", "plugins": {"f": "\(plugin)"}, "inputs": {"what": ["a", "\(what)", "b"]},
             "ops": [{"id": "f", "plugin": "f"}]}
            """)
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
        let directory = try PythonHostTests.folder("""
            {"name": "hang", "plugins": {"f": "\(plugin)"}, "inputs": {"what": ["hang", "after"]},
             "ops": [{"id": "f", "plugin": "f", "timeout": 2}]}
            """)
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
        let directory = try PythonHostTests.folder("""
            {"name": "int", "plugins": {"f": "\(plugin)"}, "inputs": {"what": ["hang"]},
             "ops": [{"id": "f", "plugin": "f"}]}
            """)
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
}
