import Foundation
import ImJoySchema
import ImJoyWorkflow
import Synchronization

/// One finished task, as written to the JSON-lines event stream (`--events FILE`).
public struct TaskEvent: Sendable {
    public enum Status: String, Sendable {
        case succeeded, failed, skipped
    }

    public var itemIndex: Int
    public var itemKey: String
    public var op: String
    /// Seconds since the Unix epoch.
    public var start: Double
    public var end: Double
    /// The worker slot (0 ..< jobs) that ran the task; `nil` for skipped tasks.
    public var worker: Int?
    public var status: Status
    public var attempts: Int
    public var error: String?
    /// Whether the result came from the cache (the op was not called).
    public var cached = false
    /// Whether the call was deferred to the task that consumes its result (a file read whose
    /// consumer may find its own result in the cache); the consumer's task made the call if needed.
    public var deferred = false

    public var duration: Double { end - start }

    /// The event as one JSON object (one line of the event stream).
    public var jsonValue: JSONValue {
        var object: JSONObject = [
            "event": "task", "item": .string(itemKey), "item_index": .integer(Int64(itemIndex)), "op": .string(op),
            "status": .string(status.rawValue), "start": .number(start), "end": .number(end),
            "duration": .number(duration), "worker": worker.map { .integer(Int64($0)) } ?? .null,
            "attempts": .integer(Int64(attempts)),
        ]
        if let error { object["error"] = .string(error) }
        if cached { object["cached"] = true }
        if deferred { object["deferred"] = true }
        return .object(object)
    }
}

/// Receives a run's progress. Called from worker threads, one call at a time, except
/// ``pluginEvents(_:)``.
public protocol RunObserver: AnyObject, Sendable {
    func runStarted(items: Int, tasks: Int, jobs: Int)
    func taskFinished(_ event: TaskEvent, done: Int, total: Int)
    func runFinished(_ summary: RunSummary)
    /// Output lines and api messages of one plugin process, in order. Called from the plugin
    /// hosts' threads, possibly concurrently with the other methods, and also before `runStarted`
    /// and after `runFinished` (output written while a plugin loads or exits).
    func pluginEvents(_ events: [PluginEvent])
}

extension RunObserver {
    public func pluginEvents(_ events: [PluginEvent]) {}
}

/// Fans events out to several observers.
public final class RunObservers: RunObserver, Sendable {
    private let observers: [any RunObserver]
    public init(_ observers: [any RunObserver]) { self.observers = observers }
    public func runStarted(items: Int, tasks: Int, jobs: Int) {
        for o in observers { o.runStarted(items: items, tasks: tasks, jobs: jobs) }
    }
    public func taskFinished(_ event: TaskEvent, done: Int, total: Int) {
        for o in observers { o.taskFinished(event, done: done, total: total) }
    }
    public func runFinished(_ summary: RunSummary) { for o in observers { o.runFinished(summary) } }
    public func pluginEvents(_ events: [PluginEvent]) { for o in observers { o.pluginEvents(events) } }
}

/// Writes JSON lines: `run_started`, one `task` line per task, `run_finished`, and the plugins'
/// `plugin_output` and `plugin_message` lines as they come.
public final class JSONLinesEventWriter: RunObserver, Sendable {
    /// Plugin events come from other threads than the task events: one writer at a time.
    private let handle: Mutex<FileHandle>
    private let workflow: String
    private let plan: WorkflowPlan?

    /// With `plan`, a `plan` event (ops, targets, dependencies) follows `run_started`, for reports.
    public init(handle: FileHandle, workflow: String, plan: WorkflowPlan? = nil) {
        self.handle = Mutex(handle)
        self.workflow = workflow
        self.plan = plan
    }

    private func write(_ value: JSONValue) {
        let line = Data((value.serialized() + "\n").utf8)
        handle.withLock { $0.write(line) }
    }

    /// One write for the batch: a plugin may print thousands of lines.
    public func pluginEvents(_ events: [PluginEvent]) {
        var text = ""
        for event in events { text += event.jsonValue.serialized() + "\n" }
        let lines = Data(text.utf8)
        handle.withLock { $0.write(lines) }
    }

    public func runStarted(items: Int, tasks: Int, jobs: Int) {
        write([
            "event": "run_started", "workflow": .string(workflow), "items": .integer(Int64(items)),
            "tasks": .integer(Int64(tasks)), "jobs": .integer(Int64(jobs)), "time": .number(Date().timeIntervalSince1970),
        ])
        if let plan {
            write([
                "event": "plan", "workflow": .string(workflow),
                "ops": .array(
                    plan.ops.map { op in
                        [
                            "id": .string(op.id), "target": .string("\(op.spec.target)"), "functional": .bool(op.isFunctional),
                            "dependencies": .array(op.dependencies.map(JSONValue.string)),
                            "source_ops": .array(op.sourceOps.map(JSONValue.string)),
                        ]
                    }),
            ])
        }
    }

    public func taskFinished(_ event: TaskEvent, done: Int, total: Int) { write(event.jsonValue) }

    public func runFinished(_ summary: RunSummary) {
        write([
            "event": "run_finished", "workflow": .string(workflow), "items": .integer(Int64(summary.items)),
            "failed_items": .integer(Int64(summary.failedItems)), "succeeded_tasks": .integer(Int64(summary.succeededTasks)),
            "failed_tasks": .integer(Int64(summary.failedTasks)), "skipped_tasks": .integer(Int64(summary.skippedTasks)),
            "seconds": .number(summary.seconds), "time": .number(Date().timeIntervalSince1970),
        ])
    }
}

/// A one-line progress bar for a terminal: done, failed, rate, ETA.
public final class ProgressBar: RunObserver, Sendable {
    private let handle: FileHandle
    /// When the run started, how many tasks failed, when the bar was last drawn.
    private let state = Mutex((started: Date(), failed: 0, lastDraw: Date.distantPast))

    public init(handle: FileHandle = .standardError) { self.handle = handle }

    public func runStarted(items: Int, tasks: Int, jobs: Int) { state.withLock { $0.started = Date() } }

    public func taskFinished(_ event: TaskEvent, done: Int, total: Int) {
        let now = Date()
        let drawn: (started: Date, failed: Int)? = state.withLock { state in
            if event.status != .succeeded { state.failed += 1 }
            guard done == total || now.timeIntervalSince(state.lastDraw) > 0.1 else { return nil }
            state.lastDraw = now
            return (state.started, state.failed)
        }
        guard let (started, failed) = drawn else { return }
        let elapsed = max(now.timeIntervalSince(started), 1e-6)
        let rate = Double(done) / elapsed
        let eta = rate > 0 ? Double(total - done) / rate : 0
        let width = 30
        let filled = total > 0 ? width * done / total : width
        let bar = String(repeating: "█", count: filled) + String(repeating: "░", count: width - filled)
        let line = String(format: "\r%@ %d/%d tasks, %d failed, %.1f/s, ETA %.0f s ", bar, done, total, failed, rate, eta)
        handle.write(Data(line.utf8))
    }

    public func runFinished(_ summary: RunSummary) { handle.write(Data("\n".utf8)) }
}
