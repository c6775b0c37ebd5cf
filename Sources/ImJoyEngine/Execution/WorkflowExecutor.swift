import Dispatch
import Foundation
import ImJoySchema
import ImJoyWorkflow

/// Receives each result that no later op consumes, to write it out. Called on worker threads.
public protocol ResultSink: Sendable {
    /// Writes `result` of `op` for `item`; returns the files written (relative to the out dir).
    func write(_ result: JSONValue, op: PlannedOp, item: WorkItem) throws -> [String]
}

/// Checks data against op schemas. Called on worker threads.
public protocol DataChecker: Sendable {
    /// A message when `data` violates the op's `inputs` schema, else `nil`.
    func checkInputs(_ data: JSONValue, op: PlannedOp, baseDirectory: String) -> String?
    /// A message when `result` violates the op's `outputs` schema, else `nil`.
    func checkOutputs(_ result: JSONValue, op: PlannedOp, baseDirectory: String) -> String?
}

/// Runs a plan's items × ops on Dispatch queues.
///
/// Scheduling rule (docs/execution.md): a task is ready when the tasks it depends on for the
/// same item have succeeded. Ready tasks of built-in ops and of `functional` plugins run
/// concurrently on the worker queues; each plugin without the flag has one serial queue (a
/// *lane*) that runs its calls strictly in item order, then op order — deadlock-free, because a
/// task only ever depends on earlier ops of the same item. At most `jobs` tasks run at once;
/// earlier items go first. A failed task fails its item: the item's remaining tasks are
/// skipped and every other item goes on (or, with `failFast`, nothing new starts).
public final class WorkflowExecutor: @unchecked Sendable {
    private let plan: WorkflowPlan
    private let items: [WorkItem]
    private let invoker: any OpInvoker
    private let options: RunOptions
    private let sink: (any ResultSink)?
    private let checker: (any DataChecker)?
    private let observer: (any RunObserver)?
    /// Consulted before calling a functional op, filled after a successful call (docs/reproducibility.md).
    private let cache: (any ResultCache)?

    // Static structure, by op position in `plan.ops`.
    private let opCount: Int
    private let opPosition: [String: Int]
    private let dependencyCounts: [Int32]
    private let dependents: [[Int]]
    private let sources: [[Int]]
    private let consumerCounts: [Int32]
    private let isTerminal: [Bool]
    private let laneOfOp: [Int?]
    private let lanes: [[Int]]
    /// Whether a cache hit of the op may stay a lazy reference: it is not terminal and every
    /// consumer takes its whole result (`$op`, no field path).
    private let lazyResults: [Bool]
    /// Whether a call of the op may wait for its one consumer (``CacheLookup/deferrable``): its
    /// result is lazy (see `lazyResults`) and exactly one op consumes it.
    private let deferrableOps: [Bool]

    // Mutable state, guarded by `lock`.
    private let lock = NSLock()
    private var remaining: [Int32]
    private var consumersLeft: [Int32]
    private var state: [TaskState]
    private var results: [JSONValue?]
    /// Each succeeded task's cache key (only with a cache), so later keys derive from it.
    private var cacheKeys: [String?]
    /// Deferred calls by task, until their consumer takes them (``load(_:)``).
    private var deferredCalls: [Int: OpCall] = [:]
    private var itemFailed: [Bool]
    private var ready = MinHeap()
    private var lanePosition: [Int]
    private var laneBusy: [Bool]
    private var freeWorkers: [Int]
    private var running = 0
    private var finished = 0
    private var stopped = false
    private var succeeded = 0
    private var failedCount = 0
    private var skipped = 0
    private var failures: [RunSummary.Failure] = []
    private var outputs: [String] = []
    private let done = DispatchSemaphore(value: 0)
    /// Serialises observer calls; `notified` counts the tasks reported so far.
    private let observerLock = NSLock()
    private var notified = 0

    /// One serial queue per worker slot. libdispatch caps a concurrent queue's threads near the
    /// core count, but plugin calls mostly wait on other processes, so each slot gets its own
    /// (overcommitting) serial queue and `jobs` calls really run at once.
    private let workerQueues: [DispatchQueue]
    private let laneQueues: [DispatchQueue]
    private let timerQueue = DispatchQueue(label: "imjoy-run.timeouts")

    private enum TaskState: UInt8 { case pending, ready, running, succeeded, failed, skipped }

    /// - Parameters:
    ///   - plan: The planned workflow.
    ///   - items: The items to run (default: all of the plan's; a shard passes its own).
    public init(
        plan: WorkflowPlan, items: [WorkItem]? = nil, invoker: any OpInvoker, options: RunOptions,
        sink: (any ResultSink)? = nil, checker: (any DataChecker)? = nil, observer: (any RunObserver)? = nil,
        cache: (any ResultCache)? = nil
    ) {
        self.cache = cache
        self.plan = plan
        self.items = items ?? plan.items
        self.invoker = invoker
        self.options = options
        self.sink = sink
        self.checker = checker
        self.observer = observer

        let ops = plan.ops
        opCount = ops.count
        let position = Dictionary(uniqueKeysWithValues: ops.enumerated().map { ($1.id, $0) })
        opPosition = position
        var dependents = [[Int]](repeating: [], count: ops.count)
        var sources = [[Int]](repeating: [], count: ops.count)
        var consumers = [Int32](repeating: 0, count: ops.count)
        for (index, op) in ops.enumerated() {
            for dependency in op.dependencies { if let d = position[dependency] { dependents[d].append(index) } }
            for source in op.sourceOps {
                if let s = position[source] {
                    sources[index].append(s)
                    consumers[s] += 1
                }
            }
        }
        self.dependents = dependents
        self.sources = sources
        self.consumerCounts = consumers
        dependencyCounts = ops.map { Int32($0.dependencies.count) }
        let consumed = plan.validated.consumedOps
        isTerminal = ops.map { !consumed.contains($0.id) }

        // One lane per non-functional plugin, holding its ops in plan order.
        var laneOfAlias: [String: Int] = [:]
        var lanes: [[Int]] = []
        var laneOfOp = [Int?](repeating: nil, count: ops.count)
        for (index, op) in ops.enumerated() where !op.isFunctional {
            let key = op.pluginAlias ?? op.id
            if laneOfAlias[key] == nil {
                laneOfAlias[key] = lanes.count
                lanes.append([])
            }
            lanes[laneOfAlias[key]!].append(index)
            laneOfOp[index] = laneOfAlias[key]
        }
        self.lanes = lanes
        self.laneOfOp = laneOfOp
        let lazy = ops.map { op in
            guard consumed.contains(op.id) else { return false }
            return ops.allSatisfy { other in !other.sourceOps.contains(op.id) || Self.takesWhole(other.data, op.id) }
        }
        lazyResults = lazy
        deferrableOps = ops.indices.map { lazy[$0] && consumers[$0] == 1 }
        laneQueues = lanes.indices.map { DispatchQueue(label: "imjoy-run.lane.\($0)") }
        workerQueues = (0..<options.jobs).map { DispatchQueue(label: "imjoy-run.worker.\($0)") }

        let taskCount = self.items.count * ops.count
        remaining = [Int32](repeating: 0, count: taskCount)
        consumersLeft = [Int32](repeating: 0, count: taskCount)
        for item in 0..<self.items.count {
            for op in 0..<ops.count {
                remaining[item * ops.count + op] = dependencyCounts[op]
                consumersLeft[item * ops.count + op] = consumers[op]
            }
        }
        state = [TaskState](repeating: .pending, count: taskCount)
        results = [JSONValue?](repeating: nil, count: taskCount)
        cacheKeys = [String?](repeating: nil, count: cache == nil ? 0 : taskCount)
        itemFailed = [Bool](repeating: false, count: self.items.count)
        lanePosition = [Int](repeating: 0, count: lanes.count)
        laneBusy = [Bool](repeating: false, count: lanes.count)
        freeWorkers = Array((0..<options.jobs).reversed())
    }

    /// Whether every reference to `op` in `expression` is `$op` itself.
    static func takesWhole(_ expression: DataExpression, _ op: String) -> Bool {
        switch expression {
        case .literal, .input: true
        case .result(let id, let path): id != op || path.isEmpty
        case .array(let elements): elements.allSatisfy { takesWhole($0, op) }
        case .object(let members): members.values.allSatisfy { takesWhole($0, op) }
        }
    }

    /// Runs every task and returns when all are done (or skipped).
    public func run() -> RunSummary {
        let start = Date()
        let total = state.count
        observer?.runStarted(items: items.count, tasks: total, jobs: options.jobs)
        if total > 0 {
            lock.lock()
            for item in 0..<items.count {
                for op in 0..<opCount where dependencyCounts[op] == 0 { makeReady(item * opCount + op) }
            }
            pump()
            lock.unlock()
            done.wait()
        }
        lock.lock()
        let summary = RunSummary(
            items: items.count, tasks: total, succeededTasks: succeeded, failedTasks: failedCount, skippedTasks: skipped,
            failures: failures.sorted { ($0.itemIndex, $0.op) < ($1.itemIndex, $1.op) },
            outputs: outputs.sorted(), seconds: Date().timeIntervalSince(start))
        lock.unlock()
        observer?.runFinished(summary)
        return summary
    }

    // MARK: - Scheduling (all under `lock`)

    private func makeReady(_ task: Int) {
        guard state[task] == .pending else { return }
        state[task] = .ready
        if let lane = laneOfOp[task % opCount] {
            advance(lane: lane)
        } else {
            ready.push(task)
        }
    }

    /// The task at a lane's current position (item-major, then the lane's ops in order).
    private func laneTask(_ lane: Int, at position: Int) -> Int? {
        let ops = lanes[lane]
        let item = position / ops.count
        guard item < items.count else { return nil }
        return item * opCount + ops[position % ops.count]
    }

    /// Moves a lane past finished tasks; queues its head when it is ready and the lane is idle.
    private func advance(lane: Int) {
        guard !laneBusy[lane] else { return }
        while let task = laneTask(lane, at: lanePosition[lane]) {
            switch state[task] {
            case .succeeded, .failed, .skipped:
                lanePosition[lane] += 1
            case .ready:
                laneBusy[lane] = true
                ready.push(task)
                return
            case .pending, .running:
                return
            }
        }
    }

    /// Starts ready tasks while fewer than `jobs` run.
    private func pump() {
        while running < options.jobs, !stopped, let task = ready.pop() {
            guard state[task] == .ready else { continue }
            state[task] = .running
            running += 1
            let worker = freeWorkers.popLast() ?? 0
            let op = task % opCount
            let item = task / opCount
            let data: Result<JSONValue, DataExpressionError>
            do {
                data = .success(try plan.ops[op].data.evaluate(inputs: items[item].inputs) { id in
                    self.opPosition[id].flatMap { self.results[item * self.opCount + $0] }
                })
            } catch {
                data = .failure(error)
            }
            var sourceKeys: [String: String] = [:]
            if cache != nil {
                for source in sources[op] { if let key = cacheKeys[item * opCount + source] { sourceKeys[plan.ops[source].id] = key } }
            }
            let queue = laneOfOp[op].map { laneQueues[$0] } ?? workerQueues[worker]
            let keys = sourceKeys
            queue.async { self.execute(task: task, data: data, worker: worker, sourceKeys: keys) }
        }
    }

    // MARK: - Running one task (no lock held)

    private func execute(task: Int, data: Result<JSONValue, DataExpressionError>, worker: Int, sourceKeys: [String: String]) {
        let opIndex = task % opCount
        let op = plan.ops[opIndex]
        let item = items[task / opCount]
        let start = Date().timeIntervalSince1970
        var attempts = 0
        var outcome: Result<(JSONValue, [String]), TaskFailure>
        var cacheKey: String?
        var cached = false, deferred = false
        func call(with data: JSONValue) -> OpCall {
            let context = OpCall.context(op: op, data: data, variables: plan.variables, workflowID: plan.workflowID(for: item))
            var call = OpCall(op: op, item: item, context: context, attempt: 1, outputDirectory: options.outputDirectory)
            call.cacheKey = cacheKey
            return call
        }
        switch data {
        case .failure(let error):
            outcome = .failure(TaskFailure("data: \(error)"))
        case .success(var data):
            // The cache first: a hit needs neither the data (it may hold lazy references to
            // cached results and deferred calls) nor the inputs check (the same data passed it
            // when it was stored).
            var lookup: CacheLookup?
            var loadFailure: TaskFailure?
            var loadData: (@Sendable (JSONValue) throws -> JSONValue)?
            if let cache {
                lookup = cache.lookup(call(with: data), sourceKeys: sourceKeys, lazy: lazyResults[opIndex])
                cacheKey = lookup?.key
                if lookup?.result == nil, Self.hasDeferredCalls(data) || cache.isLazy(data) {
                    if invoker.takesLazyData(op) {
                        loadData = { [self] lazy in try load(lazy, checkingInputsOf: op) }
                    } else {
                        do { data = try load(data) } catch { loadFailure = error as? TaskFailure ?? TaskFailure("\(error)") }
                    }
                }
            }
            if let loadFailure {
                outcome = .failure(loadFailure)
            } else if let hit = lookup?.result {
                cached = true
                var result: Result<JSONValue, any Error> = .success(hit)
                if isTerminal[opIndex], let cache, cache.isLazy(hit) { result = Result { try cache.materialize(hit) } }
                switch result {
                case .success(let value): outcome = writeTerminal(value, op: op, item: item, isTerminal: isTerminal[opIndex])
                case .failure(let error): outcome = .failure(TaskFailure("\(error)"))
                }
            } else if loadData == nil, let problem = checker?.checkInputs(data, op: op, baseDirectory: plan.workflow.baseDirectory) {
                outcome = .failure(TaskFailure("data does not match the op's inputs schema: \(problem)"))
            } else if lookup?.deferrable == true, deferrableOps[opIndex] {
                // Its consumer makes the call if it needs the result (a cache miss).
                let deferredCall = call(with: data)
                lock.withLock { deferredCalls[task] = deferredCall }
                deferred = true
                outcome = .success(([Self.deferredKey: .integer(Int64(task))], []))
            } else {
                var base = call(with: data)
                base.loadData = loadData
                (attempts, outcome) = callWithRetries(base, isTerminal: isTerminal[opIndex])
                if let cache, let key = cacheKey, case .success(let (result, _)) = outcome {
                    cache.store(result, key: key, call: OpCall(op: op, item: item, context: base.context, attempt: attempts, outputDirectory: options.outputDirectory))
                }
            }
        }
        var event = TaskEvent(
            itemIndex: item.index, itemKey: item.key, op: op.id, start: start, end: Date().timeIntervalSince1970,
            worker: worker, status: .succeeded, attempts: attempts, error: nil)
        event.cached = cached
        event.deferred = deferred
        finish(task: task, outcome: outcome, event: event, worker: worker, cacheKey: cacheKey)
    }

    /// Calls `call` until it succeeds or its attempts (1 + retries) are used up.
    private func callWithRetries(_ call: OpCall, isTerminal: Bool) -> (attempts: Int, outcome: Result<(JSONValue, [String]), TaskFailure>) {
        let allowed = (call.op.spec.retries ?? options.retries) + 1
        var attempts = 0
        var outcome: Result<(JSONValue, [String]), TaskFailure>
        repeat {
            attempts += 1
            var attempt = call
            attempt.attempt = attempts
            outcome = perform(attempt, isTerminal: isTerminal)
        } while attempts < allowed && (try? outcome.get()) == nil
        return (attempts, outcome)
    }

    // MARK: - Lazy data

    /// The stand-in result of a deferred call: `{"$imjoy_deferred_task": TASK}`.
    static let deferredKey = "$imjoy_deferred_task"

    static func hasDeferredCalls(_ value: JSONValue) -> Bool {
        switch value {
        case .object(let members): members[deferredKey] != nil || members.values.contains(where: hasDeferredCalls)
        case .array(let elements): elements.contains(where: hasDeferredCalls)
        default: false
        }
    }

    /// `value` with its lazy parts loaded: deferred calls made (their failure is reported as the
    /// deferred op's), then references to cached results read.
    private func load(_ value: JSONValue) throws -> JSONValue {
        var value = value
        if Self.hasDeferredCalls(value) { value = try makeDeferredCalls(in: value) }
        if let cache, cache.isLazy(value) { value = try cache.materialize(value) }
        return value
    }

    /// ``load(_:)``, then the inputs check of `op` (for ops that took lazy data).
    private func load(_ value: JSONValue, checkingInputsOf op: PlannedOp) throws -> JSONValue {
        let loaded = try load(value)
        if let problem = checker?.checkInputs(loaded, op: op, baseDirectory: plan.workflow.baseDirectory) {
            throw TaskFailure("data does not match the op's inputs schema: \(problem)")
        }
        return loaded
    }

    private func makeDeferredCalls(in value: JSONValue) throws -> JSONValue {
        switch value {
        case .object(let members):
            if members.count == 1, let task = members[Self.deferredKey]?.intValue {
                guard let call = lock.withLock({ deferredCalls.removeValue(forKey: task) }) else {
                    throw TaskFailure("a deferred call was taken twice (task \(task))")
                }
                switch callWithRetries(call, isTerminal: false).outcome {
                case .success(let (result, _)): return result
                case .failure(let failure): throw TaskFailure("'\(call.op.id)' failed: \(failure.message)", op: call.op.id)
                }
            }
            var out = JSONObject()
            for (name, member) in members { out[name] = try makeDeferredCalls(in: member) }
            return .object(out)
        case .array(let elements):
            return .array(try elements.map(makeDeferredCalls))
        default:
            return value
        }
    }

    /// One attempt: the call (with its timeout), the outputs check, and writing a terminal result.
    private func perform(_ call: OpCall, isTerminal: Bool) -> Result<(JSONValue, [String]), TaskFailure> {
        let result: JSONValue
        do {
            result = try invokeWithTimeout(call)
        } catch {
            return .failure(TaskFailure("\(error)"))
        }
        if let problem = checker?.checkOutputs(result, op: call.op, baseDirectory: plan.workflow.baseDirectory) {
            return .failure(TaskFailure("result does not match the op's outputs schema: \(problem)"))
        }
        return writeTerminal(result, op: call.op, item: call.item, isTerminal: isTerminal)
    }

    /// Hands a terminal result to the sink.
    private func writeTerminal(_ result: JSONValue, op: PlannedOp, item: WorkItem, isTerminal: Bool) -> Result<(JSONValue, [String]), TaskFailure> {
        var files: [String] = []
        if isTerminal, let sink {
            do {
                files = try sink.write(result, op: op, item: item)
            } catch {
                return .failure(TaskFailure("writing the result: \(error)"))
            }
        }
        return .success((result, files))
    }

    private func invokeWithTimeout(_ call: OpCall) throws -> JSONValue {
        guard let timeout = call.op.spec.timeout else { return try invoker.invoke(call) }
        let timedOut = ManagedFlag()
        let timer = DispatchWorkItem { [invoker] in
            timedOut.set()
            invoker.cancel(call)
        }
        timerQueue.asyncAfter(deadline: .now() + timeout, execute: timer)
        defer { timer.cancel() }
        let result = Result { try invoker.invoke(call) }
        if timedOut.isSet { throw TaskFailure("timed out after \(timeout) s") }
        return try result.get()
    }

    // MARK: - Completion (takes the lock)

    private func finish(task: Int, outcome: Result<(JSONValue, [String]), TaskFailure>, event: TaskEvent, worker: Int, cacheKey: String? = nil) {
        let opIndex = task % opCount
        let itemIndex = task / opCount
        var events: [TaskEvent] = []
        lock.lock()
        running -= 1
        freeWorkers.append(worker)
        var event = event
        switch outcome {
        case .success(let (value, files)):
            state[task] = .succeeded
            succeeded += 1
            outputs += files
            if consumerCounts[opIndex] > 0 && !itemFailed[itemIndex] { results[task] = value }
            if cache != nil { cacheKeys[task] = cacheKey }
            for dependent in dependents[opIndex] {
                let other = itemIndex * opCount + dependent
                remaining[other] -= 1
                if remaining[other] == 0 && !itemFailed[itemIndex] { makeReady(other) }
            }
        case .failure(let failure):
            state[task] = .failed
            failedCount += 1
            event.status = .failed
            event.error = failure.message
            let failedOp = failure.op ?? plan.ops[opIndex].id
            failures.append(RunSummary.Failure(itemKey: items[itemIndex].key, itemIndex: itemIndex, op: failedOp, message: failure.message))
            events += failItem(itemIndex, because: failedOp)
            if options.failFast { events += stop() }
        }
        for source in sources[opIndex] {
            let sourceTask = itemIndex * opCount + source
            consumersLeft[sourceTask] -= 1
            if consumersLeft[sourceTask] == 0 { results[sourceTask] = nil }
        }
        finished += 1 + events.count
        events.insert(event, at: 0)
        if let lane = laneOfOp[opIndex] {
            laneBusy[lane] = false
            advance(lane: lane)
        }
        for lane in lanes.indices { advance(lane: lane) }
        pump()
        let total = state.count
        lock.unlock()
        notify(events, total: total)
    }

    /// Reports finished tasks to the observer, one call at a time, and signals the end of the
    /// run once every task has been reported — so no event is written after `run()` returns.
    private func notify(_ events: [TaskEvent], total: Int) {
        observerLock.lock()
        for event in events {
            notified += 1
            observer?.taskFinished(event, done: notified, total: total)
        }
        let complete = notified == total
        observerLock.unlock()
        if complete { done.signal() }
    }

    /// Skips every task of a failed item that has not started; returns their events.
    private func failItem(_ item: Int, because op: String) -> [TaskEvent] {
        itemFailed[item] = true
        var events: [TaskEvent] = []
        for opIndex in 0..<opCount {
            let task = item * opCount + opIndex
            results[task] = nil
            guard state[task] == .pending || state[task] == .ready else { continue }
            state[task] = .skipped
            skipped += 1
            events.append(skippedEvent(task, reason: "skipped: '\(op)' failed for this item"))
        }
        return events
    }

    /// `--fail-fast`: skips every task that has not started.
    private func stop() -> [TaskEvent] {
        stopped = true
        var events: [TaskEvent] = []
        for task in state.indices where state[task] == .pending || state[task] == .ready {
            state[task] = .skipped
            skipped += 1
            events.append(skippedEvent(task, reason: "skipped: --fail-fast stopped the run"))
        }
        return events
    }

    private func skippedEvent(_ task: Int, reason: String) -> TaskEvent {
        let now = Date().timeIntervalSince1970
        let item = items[task / opCount]
        return TaskEvent(itemIndex: item.index, itemKey: item.key, op: plan.ops[task % opCount].id, start: now, end: now,
                         worker: nil, status: .skipped, attempts: 0, error: reason)
    }
}

/// Why a task failed.
struct TaskFailure: Error, CustomStringConvertible {
    var message: String
    /// The op that failed when it is not the task's own (a deferred call made by its consumer).
    var op: String?
    init(_ message: String, op: String? = nil) {
        self.message = message
        self.op = op
    }
    var description: String { message }
}

/// A flag set from one thread and read from another.
private final class ManagedFlag: @unchecked Sendable {
    private let lock = NSLock()
    private var value = false
    func set() { lock.withLock { value = true } }
    var isSet: Bool { lock.withLock { value } }
}

/// A binary min-heap of task indices: earlier items (and earlier ops) first.
struct MinHeap {
    private var storage: [Int] = []

    mutating func push(_ value: Int) {
        storage.append(value)
        var child = storage.count - 1
        while child > 0 {
            let parent = (child - 1) / 2
            if storage[parent] <= storage[child] { break }
            storage.swapAt(parent, child)
            child = parent
        }
    }

    mutating func pop() -> Int? {
        guard let first = storage.first else { return nil }
        let last = storage.removeLast()
        if !storage.isEmpty {
            storage[0] = last
            var parent = 0
            while true {
                let left = 2 * parent + 1
                let right = left + 1
                var smallest = parent
                if left < storage.count && storage[left] < storage[smallest] { smallest = left }
                if right < storage.count && storage[right] < storage[smallest] { smallest = right }
                if smallest == parent { break }
                storage.swapAt(parent, smallest)
                parent = smallest
            }
        }
        return first
    }
}
