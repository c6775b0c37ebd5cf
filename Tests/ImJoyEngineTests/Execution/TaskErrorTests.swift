import Foundation
import ImJoySchema
import ImJoyWorkflow
import TestSupport
import Testing

@testable import ImJoyEngine

/// A failed task's error is typed: op, item, file, the underlying error, printed on one line.
@Suite struct TaskErrorTests {
    struct Traceback: Error, CustomStringConvertible {
        var description: String { "ValueError: bad\nTraceback (most recent call last):\n  File \"plugin.py\", line 3" }
    }

    @Test func aCallFailureKeepsTheUnderlyingErrorAndPrintsOnOneLine() throws {
        let plan = try makePlan(#"{"name": "p", "inputs": {"n": [1, 2]}, "ops": [{"id": "a", "builtin": "stats"}]}"#)
        let invoker = RecordingInvoker { call in
            if call.item.index == 1 { throw Traceback() }
            return ["ok": true]
        }
        let summary = WorkflowExecutor(plan: plan, invoker: invoker, options: RunOptions(jobs: 1)).run()
        let failure = try #require(summary.failures.first)
        #expect(summary.failures.count == 1 && failure.op == "a" && failure.itemKey == "1")
        // Events and the summary keep the reason as before.
        #expect(failure.message == Traceback().description)
        let error = try #require(failure.error)
        #expect(error.underlying is Traceback)
        #expect(error.description == #"item 1, op 'a': ValueError: bad ⏎ Traceback (most recent call last): ⏎   File "plugin.py", line 3"#)
        #expect(!error.description.contains("\n"))
    }

    @Test func aFileErrorNamesTheFile() {
        let underlying = CocoaError(.fileWriteOutOfSpace, userInfo: [NSFilePathErrorKey: "/out/img_0/mask.tif"])
        let error = TaskError(op: "save", item: "img_0", reason: .writing(underlying))
        #expect(error.file == "/out/img_0/mask.tif")
        #expect(error.description.hasPrefix("item img_0, op 'save' (file /out/img_0/mask.tif): writing the result: "))
        let bad = CacheEntryError(key: "ab12", path: "/c/entries/ab/ab12/blob-0.bin", reason: "blob-0.bin: SHA-256 mismatch")
        #expect(TaskError(op: "mask", item: "x", reason: .cache(bad)).file == "/c/entries/ab/ab12/blob-0.bin")
    }

    @Test func aTimeoutAndAnUpstreamFailureSayWhat() {
        let timeout = TaskError(op: "slow", item: "i", reason: .timedOut(seconds: 1.5))
        #expect(timeout.message == "timed out after 1.5 s")
        let upstream = TaskError(op: "load", item: "i", reason: .upstream(TaskError(op: "load", item: "i", reason: .call(Boom()))))
        #expect(upstream.message == "'load' failed: boom")
        #expect(upstream.underlying is TaskError)
    }
}
