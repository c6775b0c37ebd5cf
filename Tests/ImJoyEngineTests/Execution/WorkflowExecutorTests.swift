import Foundation
import ImJoyPlugin
import ImJoySchema
import ImJoyWorkflow
import TestSupport
import Testing

@testable import ImJoyEngine

/// An invoker that records every call and answers from a closure.
final class RecordingInvoker: OpInvoker, @unchecked Sendable {
    struct Record {
        var op: String
        var item: String
        var context: JSONObject
        var start: Double
        var end: Double
        var thread: String
    }

    private let lock = NSLock()
    private(set) var records: [Record] = []
    private var active = 0
    private(set) var maximumActive = 0
    private var activeByOp: [String: Int] = [:]
    private(set) var maximumActiveByOp: [String: Int] = [:]
    let respond: @Sendable (OpCall) throws -> JSONValue

    init(respond: @escaping @Sendable (OpCall) throws -> JSONValue) { self.respond = respond }

    func invoke(_ call: OpCall) throws -> JSONValue {
        let start = Date().timeIntervalSince1970
        lock.withLock {
            active += 1
            maximumActive = max(maximumActive, active)
            activeByOp[call.op.id, default: 0] += 1
            maximumActiveByOp[call.op.id] = max(maximumActiveByOp[call.op.id] ?? 0, activeByOp[call.op.id]!)
        }
        defer {
            lock.withLock {
                active -= 1
                activeByOp[call.op.id]! -= 1
                records.append(
                    Record(
                        op: call.op.id, item: call.item.key, context: call.context, start: start,
                        end: Date().timeIntervalSince1970, thread: "\(Thread.current)"))
            }
        }
        return try respond(call)
    }
}

/// Plans workflow text written relative to workflows/ (so sample plugins resolve).
func makePlan(_ text: String, overrides: [(String, String)] = []) throws -> WorkflowPlan {
    let workflow = try WorkflowLoader.load(text: text, file: Fixtures.packageRoot.appendingPathComponent("workflows/test.json").path)
    let validated = try WorkflowValidator(resolver: PluginResolver(environment: [:])).validate(workflow)
    return try WorkflowPlan(validated, variableOverrides: overrides)
}

struct Boom: Error, CustomStringConvertible { var description: String { "boom" } }

@Suite struct WorkflowExecutorTests {
    @Test func everyCallSeesImJoysContextFields() throws {
        let plan = try makePlan(
            """
            {"name": "ctx", "variables": {"v": 1}, "inputs": {"n": [10, 20]},
             "ops": [{"id": "a", "builtin": "stats"},
                     {"id": "b", "builtin": "gaussian", "config": {"sigma": 2}},
                     {"id": "c", "builtin": "crop", "data": {"x": "$a.value", "y": "$b"}}]}
            """, overrides: [("v", "5")])
        let invoker = RecordingInvoker { call in ["value": call.data, "op": .string(call.op.id)] }
        let summary = WorkflowExecutor(plan: plan, invoker: invoker, options: RunOptions(jobs: 2)).run()
        #expect(summary.exitCode == 0)
        #expect(summary.succeededTasks == 6)
        let first = try #require(invoker.records.first { $0.op == "a" && $0.item == "0" })
        #expect(first.context["data"] == 10)
        #expect(first.context["_op"] == "stats", "ImJoy's _op: the op's own name")
        #expect(first.context["_workflow_op"] == "a")
        #expect(first.context["_source_op"] == .null)
        #expect(first.context["_workflow_id"] == "ctx-0")
        #expect(first.context["_variables"] == ["v": 5])
        #expect(first.context["_transfer"] == false)
        #expect(first.context["config"] == [:])
        let second = try #require(invoker.records.first { $0.op == "b" && $0.item == "1" })
        #expect(second.context["_source_op"] == "stats")
        #expect(second.context["_workflow_source_op"] == "a")
        #expect(second.context["config"] == ["sigma": 2, "truncate": 4, "mode": "reflect"])
        #expect(second.context["data"] == ["value": 20, "op": "a"])
        let third = try #require(invoker.records.first { $0.op == "c" && $0.item == "1" })
        #expect(third.context["_source_op"] == ["stats", "gaussian"])
        #expect(third.context["_workflow_source_op"] == ["a", "b"])
        #expect(third.context["data"] == ["x": 20, "y": ["value": ["value": 20, "op": "a"], "op": "b"]])
    }

    @Test func functionalOpsRunInParallelAcrossItems() throws {
        let plan = try makePlan(#"{"name": "p", "inputs": {"n": [1, 2, 3, 4, 5, 6]}, "ops": [{"id": "a", "builtin": "stats"}]}"#)
        let invoker = RecordingInvoker { call in
            Thread.sleep(forTimeInterval: 0.05)
            return call.data
        }
        let summary = WorkflowExecutor(plan: plan, invoker: invoker, options: RunOptions(jobs: 3)).run()
        #expect(summary.succeededTasks == 6)
        #expect(invoker.maximumActive == 3, "observed \(invoker.maximumActive) calls at once")
    }

    @Test func nonFunctionalPluginGetsItsItemsOneAtATimeInItemOrder() throws {
        // CellCounter has no functional flag. Upstream durations are reversed so later items get
        // ready first; the serial lane must still deliver them in item order.
        let plan = try makePlan(
            """
            {"name": "s", "plugins": {"count": "../samples/plugins/CellCounter.imjoy.html"},
             "inputs": {"n": [0, 1, 2, 3, 4, 5, 6, 7]},
             "ops": [{"id": "prep", "builtin": "stats"}, {"id": "count", "plugin": "count"}]}
            """)
        let invoker = RecordingInvoker { call in
            if call.op.id == "prep" {
                Thread.sleep(forTimeInterval: 0.005 * Double(8 - (call.data.intValue ?? 0)))
            } else {
                Thread.sleep(forTimeInterval: 0.01)
            }
            return call.data
        }
        let summary = WorkflowExecutor(plan: plan, invoker: invoker, options: RunOptions(jobs: 4)).run()
        #expect(summary.exitCode == 0)
        let counted = invoker.records.filter { $0.op == "count" }.sorted { $0.start < $1.start }
        #expect(counted.map(\.item) == ["0", "1", "2", "3", "4", "5", "6", "7"])
        #expect(invoker.maximumActiveByOp["count"] == 1)
        #expect(invoker.maximumActiveByOp["prep"]! > 1)
    }

    @Test func aFailureFailsOnlyItsItemAndSkipsDownstream() throws {
        let plan = try makePlan(
            """
            {"name": "f", "inputs": {"n": [1, 2, 3]},
             "ops": [{"id": "a", "builtin": "stats"}, {"id": "b", "builtin": "gaussian"}, {"id": "c", "builtin": "crop", "data": "$a"}]}
            """)
        let invoker = RecordingInvoker { call in
            if call.op.id == "a" && call.data == 2 { throw Boom() }
            return call.data
        }
        let summary = WorkflowExecutor(plan: plan, invoker: invoker, options: RunOptions(jobs: 2)).run()
        #expect(summary.exitCode == 1)
        #expect(summary.failures == [RunSummary.Failure(itemKey: "1", itemIndex: 1, op: "a", message: "boom")])
        #expect(summary.succeededTasks == 6)
        #expect(summary.skippedTasks == 2)
        #expect(!invoker.records.contains { $0.item == "1" && $0.op != "a" })
    }

    @Test func failFastStopsStartingNewTasks() throws {
        let plan = try makePlan(#"{"name": "ff", "inputs": {"n": [1, 2, 3, 4, 5, 6, 7, 8]}, "ops": [{"id": "a", "builtin": "stats"}]}"#)
        let invoker = RecordingInvoker { call in
            if call.data == 1 { throw Boom() }
            Thread.sleep(forTimeInterval: 0.02)
            return call.data
        }
        let summary = WorkflowExecutor(plan: plan, invoker: invoker, options: RunOptions(jobs: 1, failFast: true)).run()
        #expect(summary.failedTasks == 1)
        #expect(summary.skippedTasks == 7)
        #expect(invoker.records.count == 1)
    }

    @Test func retriesAFailingCall() throws {
        let plan = try makePlan(#"{"name": "r", "inputs": {"n": [1]}, "ops": [{"id": "a", "builtin": "stats", "retries": 2}]}"#)
        let invoker = RecordingInvoker { call in
            if call.attempt < 3 { throw Boom() }
            return .integer(Int64(call.attempt))
        }
        let summary = WorkflowExecutor(plan: plan, invoker: invoker, options: RunOptions(jobs: 1)).run()
        #expect(summary.exitCode == 0)
        #expect(invoker.records.count == 3)
    }

    @Test func timeoutFailsTheCall() throws {
        let plan = try makePlan(#"{"name": "t", "inputs": {"n": [1, 2]}, "ops": [{"id": "a", "builtin": "stats", "timeout": 0.05}]}"#)
        let invoker = RecordingInvoker { call in
            if call.data == 1 { Thread.sleep(forTimeInterval: 0.3) }
            return call.data
        }
        let summary = WorkflowExecutor(plan: plan, invoker: invoker, options: RunOptions(jobs: 2)).run()
        #expect(summary.failures.map(\.message) == ["timed out after 0.05 s"])
        #expect(summary.succeededTasks == 1)
    }

    @Test func missingFieldInUpstreamResultFailsTheItem() throws {
        let plan = try makePlan(
            #"{"name": "m", "inputs": {"n": [1]}, "ops": [{"id": "a", "builtin": "stats"}, {"id": "b", "builtin": "stats", "data": "$a.nothing"}]}"#
        )
        let summary = WorkflowExecutor(plan: plan, invoker: RecordingInvoker { $0.data }, options: RunOptions(jobs: 1)).run()
        #expect(summary.failures.first?.message.contains("$a.nothing") == true)
    }

    @Test func eventsCoverEveryTask() throws {
        let plan = try makePlan(
            #"{"name": "e", "inputs": {"n": [1, 2, 3]}, "ops": [{"id": "a", "builtin": "stats"}, {"id": "b", "builtin": "stats"}]}"#)
        let file = try Fixtures.temporaryDirectory().appendingPathComponent("events.jsonl")
        _ = FileManager.default.createFile(atPath: file.path, contents: nil)
        let handle = try FileHandle(forWritingTo: file)
        let writer = JSONLinesEventWriter(handle: handle, workflow: "e")
        _ = WorkflowExecutor(plan: plan, invoker: RecordingInvoker { $0.data }, options: RunOptions(jobs: 2), observer: writer).run()
        try handle.close()
        let lines = try String(contentsOf: file, encoding: .utf8).split(separator: "\n").map { try JSONValue(jsonText: String($0)) }
        #expect(lines.first?["event"] == "run_started")
        #expect(lines.last?["event"] == "run_finished")
        let tasks = lines.filter { $0["event"] == "task" }
        #expect(tasks.count == 6)
        #expect(
            tasks.allSatisfy { $0["worker"]?.intValue.map { (0..<2).contains($0) } == true && ($0["duration"]?.doubleValue ?? -1) >= 0 })
    }
}
