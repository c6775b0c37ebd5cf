import Foundation
import ImJoyPlugin
import ImJoySchema
import TestSupport
import Testing

@testable import ImJoyEngine

#if canImport(Glibc)
    import Glibc
#endif

/// A plugin's children die with it (issue #19): a plugin that forks or spawns a sleeping child
/// and then crashes, hangs past its timeout, or returns, never keeps the run waiting, and leaves
/// no orphan behind. Real Python and Node.js hosts.
@Suite(.serialized) struct PluginChildrenTests {
    static let hasPython = Subprocess.which("python3") != nil
    static let hasNode = Subprocess.which("node") != nil || Subprocess.which("nodejs") != nil

    /// A started host of fixture `fixture` in a fresh folder (removed by `close`).
    final class Session {
        let directory: URL
        let process: PluginProcess
        var pidFile: String { directory.appendingPathComponent("child.pid").path }

        init(_ fixture: String) throws {
            directory = try Fixtures.temporaryDirectory("imjoy-run-children")
            do {
                let plugin = try Plugin(contentsOf: Fixtures.url("plugins/" + fixture).path)
                let launch = try PluginHosts.launch(for: plugin, options: PluginHostOptions(stateDirectory: directory.path))
                process = try launch.start(plugin, workDirectory: directory.path, emit: { _ in })
            } catch {
                try? FileManager.default.removeItem(at: directory)
                throw error
            }
        }

        func call(_ what: String) throws -> JSONValue {
            try process.call(
                op: nil, method: nil, arguments: [["data": ["what": .string(what), "pidfile": .string(pidFile)]]], config: [:],
                outputDirectory: directory.path, origin: PluginEvent.Origin(op: "op", item: "x", itemIndex: 0),
                api: { _, _ in .null }, onWindow: { _ in })
        }

        /// The child the plugin recorded.
        func recordedChild() throws -> pid_t {
            let text = try String(contentsOfFile: pidFile, encoding: .utf8)
            return try #require(pid_t(text.trimmingCharacters(in: .whitespacesAndNewlines)))
        }

        func close() {
            process.stop(grace: 0)
            try? FileManager.default.removeItem(at: directory)
        }
    }

    /// Whether `pid` is gone (or a zombie no one reaped yet) within `seconds`.
    static func dies(_ pid: pid_t, within seconds: Double = 3) -> Bool {
        let deadline = Date().addingTimeInterval(seconds)
        repeat {
            if kill(pid, 0) != 0 && errno == ESRCH { return true }
            if let stat = try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8),
                let close = stat.lastIndex(of: ")"), stat[stat.index(close, offsetBy: 2)] == "Z"
            {
                return true
            }
            usleep(20_000)
        } while Date() < deadline
        _ = kill(pid, SIGKILL)  // do not leave it to the test machine
        return false
    }

    /// Calls `what`, expecting a crash quickly, and the recorded child dead.
    static func expectCrashWithoutHang(_ fixture: String, _ what: String) throws {
        let session = try Session(fixture)
        defer { session.close() }
        let start = Date()
        #expect(throws: PluginHostError.self) { try session.call(what) }
        #expect(Date().timeIntervalSince(start) < 10, "the crash must not wait for the plugin's child")
        let child = try session.recordedChild()
        #expect(dies(child), "child \(child) outlived the plugin")
    }

    @Test(.enabled(if: hasPython, "needs python3"))
    func pythonForkedChildDoesNotHoldACrashedCall() throws {
        try Self.expectCrashWithoutHang("python/Forker.imjoy.html", "fork-crash")
    }

    @Test(.enabled(if: hasPython, "needs python3"))
    func pythonSpawnedChildDiesWithACrashedPlugin() throws {
        try Self.expectCrashWithoutHang("python/Forker.imjoy.html", "spawn-crash")
    }

    @Test(.enabled(if: hasNode, "needs Node.js"))
    func javascriptSpawnedChildDiesWithACrashedPlugin() throws {
        try Self.expectCrashWithoutHang("javascript/ForkerJS.imjoy.html", "spawn-crash")
    }

    /// What a timeout does: kill the process while a call waits; the call ends at once.
    static func expectTimeoutEndsTheCall(_ fixture: String, _ what: String) throws {
        let session = try Session(fixture)
        defer { session.close() }
        let killer = DispatchWorkItem { [process = session.process] in process.kill() }
        DispatchQueue.global().asyncAfter(deadline: .now() + 1.5, execute: killer)
        let start = Date()
        do {
            _ = try session.call(what)
            Issue.record("the call returned")
        } catch let error as PluginHostError {
            #expect(error.wasKilledByRunner, "\(error)")
        }
        #expect(Date().timeIntervalSince(start) < 10, "a timeout must end the call whatever the children do")
        let child = try session.recordedChild()
        #expect(dies(child), "child \(child) outlived the timeout")
    }

    @Test(.enabled(if: hasPython, "needs python3"))
    func pythonTimeoutEndsACallWhoseChildHoldsThePipes() throws {
        try Self.expectTimeoutEndsTheCall("python/Forker.imjoy.html", "fork-hang")
    }

    @Test(.enabled(if: hasNode, "needs Node.js"))
    func javascriptTimeoutKillsTheChildToo() throws {
        try Self.expectTimeoutEndsTheCall("javascript/ForkerJS.imjoy.html", "spawn-hang")
    }

    /// A successful call's background child does not outlive the run.
    static func expectNoOrphanAfterStop(_ fixture: String) throws {
        let session = try Session(fixture)
        defer { session.close() }
        let value = try session.call("spawn-ok")
        let child = try #require(value["child"]?.intValue.map { pid_t($0) })
        #expect(kill(child, 0) == 0, "the child runs while the plugin does")
        session.process.stop(grace: 1)
        #expect(dies(child), "child \(child) outlived the run")
    }

    @Test(.enabled(if: hasPython, "needs python3"))
    func pythonChildIsNotAnOrphanAfterTheRun() throws {
        try Self.expectNoOrphanAfterStop("python/Forker.imjoy.html")
    }

    @Test(.enabled(if: hasNode, "needs Node.js"))
    func javascriptChildIsNotAnOrphanAfterTheRun() throws {
        try Self.expectNoOrphanAfterStop("javascript/ForkerJS.imjoy.html")
    }
}
