import Foundation
import ImJoySchema
import TestSupport
import Testing

@testable import ImJoyEngine

#if canImport(Glibc)
    import Glibc
#endif

/// Descendants that leave their plugin's process group (`setsid`, double fork) do not outlive
/// the run (issue #19): the runner is a child subreaper and kills them when their host ends;
/// the runner's other children are never touched.
@Suite(.serialized) struct OrphanReaperTests {
    static let hasPython = Subprocess.which("python3") != nil

    static let workflow = """
        {"name": "escape", "plugins": {"e": "\(Fixtures.url("plugins/python/Escaper.imjoy.html").path)"},
         "ops": [{"id": "escape", "plugin": "e", "op": "OP"TIMEOUT}]}
        """

    /// Runs the Escaper plugin's `op` once, through `WorkflowRun`; returns the summary, the
    /// seconds it took and the escaped grandchild's pid.
    static func run(op: String, timeout: Double? = nil) throws -> (WorkflowRunSummary, Double, pid_t) {
        let text = workflow.replacingOccurrences(of: "OP", with: op)
            .replacingOccurrences(of: "TIMEOUT", with: timeout.map { #", "timeout": \#($0)"# } ?? "")
        let fixture = try RunFixture(count: 0, workflow: text)
        defer { fixture.remove() }
        var options = fixture.options()
        options.stateDirectory = fixture.directory.appendingPathComponent("state").path
        let start = Date()
        let summary = try fixture.run(options)
        let seconds = Date().timeIntervalSince(start)
        let pidFile = try #require(
            FileManager.default.enumerator(atPath: fixture.directory.path)?.compactMap { $0 as? String }
                .first { $0.hasSuffix("escaped.pid") })
        let pidText = try String(contentsOfFile: fixture.directory.appendingPathComponent(pidFile).path, encoding: .utf8)
        return (summary, seconds, try #require(pid_t(pidText)))
    }

    /// Whether no process `pid` exists (not even a zombie); kills it when it does.
    static func isGone(_ pid: pid_t) -> Bool {
        if kill(pid, 0) != 0 && errno == ESRCH { return true }
        _ = kill(pid, SIGKILL)  // do not leave it to the test machine
        return false
    }

    @Test(.enabled(if: hasPython, "needs python3"))
    func aSetsidGrandchildDoesNotOutliveTheRun() throws {
        let (summary, _, escaped) = try Self.run(op: "Escape")
        #expect(summary.status == .succeeded, "\(summary.text)")
        #expect(Self.isGone(escaped), "the setsid grandchild \(escaped) outlived the run")
        #expect(OrphanReaper.isSubreaper)
    }

    @Test(.enabled(if: hasPython, "needs python3"))
    func aTimeoutWhileAnEscapedChildHoldsStdoutDoesNotHang() throws {
        let (summary, seconds, escaped) = try Self.run(op: "EscapeHang", timeout: 2)
        #expect(summary.exitCode == 1)
        #expect(summary.tasks.failures.first?.message.contains("timed out after 2") == true, "\(summary.text)")
        #expect(seconds < 30, "the run took \(seconds) s")
        #expect(Self.isGone(escaped), "the setsid grandchild \(escaped) outlived the timeout")
    }

    @Test func otherChildrenOfTheRunnerAreLeftAlone() throws {
        OrphanReaper.becomeSubreaper()
        let sleeper = Process()
        sleeper.executableURL = URL(fileURLWithPath: "/bin/sleep")
        sleeper.arguments = ["30"]
        try sleeper.run()
        defer {
            // SIGKILL: the test runner may ignore SIGTERM, and its children inherit that.
            kill(sleeper.processIdentifier, SIGKILL)
            sleeper.waitUntilExit()
        }
        let sweeps = Thread {
            for _ in 0..<50 {
                OrphanReaper.sweepEndedHosts()
                OrphanReaper.hostEnded(token: OrphanReaper.newToken(), processGroup: 999_999)
            }
        }
        sweeps.start()
        // Foundation reaps its own children with waitpid on their pid: the statuses still arrive.
        for status in [0, 3, 7] {
            #expect(try Subprocess(["/bin/sh", "-c", "exit \(status)"]).run().status == Int32(status))
        }
        OrphanReaper.sweepEndedHosts()
        #expect(sleeper.isRunning, "a child without a host token was killed")
        #expect(OrphanReaper.children().contains { $0.pid == sleeper.processIdentifier && $0.token == nil })
    }

    @Test func statFieldsReadTheParentAfterTheCommandName() throws {
        let fields = try #require(OrphanReaper.statFields(getpid()))
        #expect(fields.parent == getppid())
        #expect(fields.group == getpgrp())
    }
}
