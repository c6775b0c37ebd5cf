import Foundation
import ImJoySchema
import ImJoyWorkflow

extension WorkflowExecutor {
    /// A result and the files written for it.
    typealias TaskOutcome = Result<(JSONValue, [String]), TaskError>

    /// What a task did besides its outcome, for its event.
    struct TaskRecord {
        var attempts = 0
        var cached = false
        var deferred = false
        var cacheKey: String?
    }

    // MARK: - Running one task (no lock held)

    func execute(_ launch: TaskLaunch) {
        let task = launch.task
        let op = plan.ops[task % graph.opCount]
        let item = items[task / graph.opCount]
        let start = Date().timeIntervalSince1970
        var record = TaskRecord()
        let outcome: TaskOutcome =
            switch (launch.data, launch.callFields) {
            case (.failure(let error), _), (_, .failure(let error)?):
                .failure(TaskError(op: op.id, item: item.key, reason: .data(error)))
            case (.success(let data), let fields):
                run(task: task, data: data, fields: try? fields?.get(), sourceKeys: launch.sourceKeys, record: &record)
            }
        var event = TaskEvent(
            itemIndex: item.index, itemKey: item.key, op: op.id, start: start, end: Date().timeIntervalSince1970,
            worker: launch.worker, status: .succeeded, attempts: record.attempts, error: nil)
        event.cached = record.cached
        event.deferred = record.deferred
        finish(task: task, outcome: outcome, event: event, worker: launch.worker, record: record)
    }

    /// The call of `op` for `item` with `data` (and its `answers`, `args`, `kwargs`: `fields`).
    func makeCall(_ op: PlannedOp, item: WorkItem, data: JSONValue, fields: CallFieldValues?, cacheKey: String?) -> OpCall {
        let context = OpCall.context(op: op, data: data, variables: plan.variables, workflowID: plan.workflowID(for: item))
        var call = OpCall(op: op, item: item, context: context, attempt: 1, outputDirectory: options.outputDirectory)
        call.cacheKey = cacheKey
        call.callFields = fields
        if cache != nil { call.runtime = runtimeIdentity(opIndex: graph.opPosition[op.id] ?? 0) }
        return call
    }

    /// The cache first: a hit needs neither the data (it may hold lazy references to cached
    /// results and deferred calls) nor the inputs check (the same data passed it when it was
    /// stored). Then the inputs check, a deferral, or the call.
    private func run(task: Int, data: JSONValue, fields: CallFieldValues?, sourceKeys: [String: String], record: inout TaskRecord)
        -> TaskOutcome
    {
        let opIndex = task % graph.opCount
        let op = plan.ops[opIndex]
        let item = items[task / graph.opCount]
        var data = data
        var lookup: CacheLookup?
        var loadData: (@Sendable (JSONValue) throws -> JSONValue)?
        if let cache {
            lookup = cache.lookup(
                makeCall(op, item: item, data: data, fields: fields, cacheKey: nil), sourceKeys: sourceKeys,
                lazy: graph.lazyResults[opIndex])
            record.cacheKey = lookup?.key
            if let hit = lookup?.result, let outcome = serve(hit, task: task, data: data, fields: fields, record: &record) {
                return outcome
            }
            if Self.hasDeferredCalls(data) || cache.isLazy(data) {
                if invoker.takesLazyData(op) {
                    loadData = { [self] lazy in try load(lazy, checkingInputsOf: op, item: item) }
                } else {
                    do { data = try load(data, for: op, item: item) } catch { return .failure(error) }
                }
            }
        }
        if loadData == nil, let problem = checker?.checkInputs(data, op: op, baseDirectory: plan.workflow.baseDirectory) {
            return .failure(TaskError(op: op.id, item: item.key, reason: .inputsSchema(problem)))
        }
        if lookup?.deferrable == true, graph.deferrableOps[opIndex] {
            // Its consumer makes the call if it needs the result (a cache miss).
            let deferredCall = makeCall(op, item: item, data: data, fields: fields, cacheKey: record.cacheKey)
            state.withLock { $0.deferredCalls[task] = deferredCall }
            record.deferred = true
            return .success(([Self.deferredKey: .integer(Int64(task))], []))
        }
        var call = makeCall(op, item: item, data: data, fields: fields, cacheKey: record.cacheKey)
        call.loadData = loadData
        return callAndStore(call, isTerminal: graph.isTerminal[opIndex], record: &record)
    }

    /// Makes `call` (with its retries) and stores a successful result in the cache.
    func callAndStore(_ call: OpCall, isTerminal: Bool, record: inout TaskRecord) -> TaskOutcome {
        let (attempts, outcome) = callWithRetries(call, isTerminal: isTerminal)
        record.attempts = attempts
        if let cache, let key = record.cacheKey, case .success(let (result, _)) = outcome {
            var stored = call
            stored.attempt = attempts
            stored.loadData = nil
            cache.store(result, key: key, call: stored)
        }
        return outcome
    }

    /// A cache hit: a lazy reference kept for the consumers (with the call that makes it, in
    /// case the entry turns out bad), or the result (written when terminal). `nil` when the
    /// entry could not be read whole: the task then calls the op as on a miss.
    private func serve(_ hit: JSONValue, task: Int, data: JSONValue, fields: CallFieldValues?, record: inout TaskRecord) -> TaskOutcome? {
        let opIndex = task % graph.opCount
        let op = plan.ops[opIndex]
        let item = items[task / graph.opCount]
        guard let cache, cache.isLazy(hit) else {
            record.cached = true
            return writeTerminal(hit, op: op, item: item, isTerminal: graph.isTerminal[opIndex])
        }
        if graph.isTerminal[opIndex] {
            guard let value = try? cache.materialize(hit) else { return nil }
            record.cached = true
            return writeTerminal(value, op: op, item: item, isTerminal: true)
        }
        if let key = record.cacheKey {
            let fallback = makeCall(op, item: item, data: data, fields: fields, cacheKey: key)
            state.withLock { state in
                state.lazyFallbacks[key, default: (fallback, 0)].holders += 1
            }
        }
        record.cached = true
        return .success((hit, []))
    }

    /// The runtime identity of the op at `opIndex` (the invoker's answer, asked once per op).
    func runtimeIdentity(opIndex: Int) -> RuntimeIdentity? {
        if let known = runtimes.withLock({ $0[opIndex] }) { return known }
        let identity = invoker.runtimeIdentity(of: plan.ops[opIndex])
        runtimes.withLock { $0[opIndex] = identity }
        return identity
    }
}
