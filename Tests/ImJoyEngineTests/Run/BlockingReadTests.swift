import Foundation
import ImJoyWorkflow
import TestSupport
import Testing

@testable import ImJoyEngine

#if canImport(Glibc)
    import Glibc
#endif

/// A built-in read op honours its `timeout` even when its read blocks in the kernel (issue #19):
/// the item fails with a timeout at the deadline and the run ends.
@Suite struct BlockingReadTests {
    static let workflow = """
        {"name": "blocked", "inputs": {"images": {"glob": "*.tif"}},
         "ops": [{"id": "load", "builtin": "read-tiff", "timeout": 1},
                 {"id": "stats", "builtin": "stats"}]}
        """

    @Test(.timeLimit(.minutes(1)))
    func aReadBlockedOnAFIFOTimesOutAndTheRunEnds() throws {
        let fixture = try RunFixture(count: 2, workflow: Self.workflow)
        defer { fixture.remove() }
        let plan = try fixture.plan()
        // The input passed planning as a regular file; a FIFO takes its place before the run,
        // so libtiff's open blocks until a writer comes — forever, but for the timeout.
        let fifo = fixture.directory.appendingPathComponent("img_0.tif").path
        try FileManager.default.removeItem(atPath: fifo)
        try #require(mkfifo(fifo, 0o600) == 0)
        defer {
            // Lets the abandoned read go: a writer opens, then closes (end of file).
            let writer = open(fifo, O_WRONLY | O_NONBLOCK)
            if writer >= 0 { close(writer) }
        }
        let start = Date()
        let summary = try WorkflowRun(plan: plan, options: fixture.options()).run()
        let seconds = Date().timeIntervalSince(start)
        #expect(seconds < 20, "the run took \(seconds) s")
        #expect(summary.exitCode == 1)
        #expect(summary.succeededItems == 1)
        let failure = try #require(summary.tasks.failures.first)
        #expect(failure.op == "load" && failure.itemIndex == 0)
        #expect(failure.message.contains("timed out after 1"), "\(failure.message)")
    }

    @Test func onlyBuiltinsWithATimeoutThatWriteNoFilesRunDetached() throws {
        let fixture = try RunFixture(
            count: 1,
            workflow: """
                {"name": "d", "inputs": {"images": {"glob": "*.tif"}},
                 "ops": [{"id": "load", "builtin": "read-tiff", "timeout": 5},
                         {"id": "stats", "builtin": "stats"},
                         {"id": "save", "builtin": "write-tiff", "data": "$load", "timeout": 5}]}
                """)
        defer { fixture.remove() }
        let ops = try fixture.plan().ops
        #expect(ops.map(EngineInvoker.runsDetached) == [true, false, false])
    }
}
