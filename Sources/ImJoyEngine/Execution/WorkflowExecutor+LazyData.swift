import ImJoySchema
import ImJoyWorkflow

/// Lazy data: results that stay references until a consumer needs them — deferred calls
/// (``CacheLookup/deferrable``) and lazily hit cache entries (read, and verified, only here).
extension WorkflowExecutor {
    /// The stand-in result of a deferred call: `{"$imjoy_deferred_task": TASK}`.
    static let deferredKey = "$imjoy_deferred_task"

    static func hasDeferredCalls(_ value: JSONValue) -> Bool {
        switch value {
        case .object(let members): members[deferredKey] != nil || members.values.contains(where: hasDeferredCalls)
        case .array(let elements): elements.contains(where: hasDeferredCalls)
        default: false
        }
    }

    /// `value` with its lazy parts loaded for `op`'s call on `item`: deferred calls made (their
    /// failure is reported as the deferred op's), then references to cached results read; an
    /// entry found bad is a miss: the op that made it is called again.
    func load(_ value: JSONValue, for op: PlannedOp, item: WorkItem) throws(TaskError) -> JSONValue {
        var value = value
        if Self.hasDeferredCalls(value) { value = try makeDeferredCalls(in: value, item: item) }
        guard let cache, cache.isLazy(value) else { return value }
        do {
            return try cache.materialize(value)
        } catch let error as CacheEntryError {
            return try recompute(value, after: error, for: op, item: item)
        } catch {
            throw TaskError(op: op.id, item: item.key, reason: .cache(error))
        }
    }

    /// ``load(_:for:item:)``, then the inputs check of `op` (for ops that took lazy data).
    func load(_ value: JSONValue, checkingInputsOf op: PlannedOp, item: WorkItem) throws(TaskError) -> JSONValue {
        let loaded = try load(value, for: op, item: item)
        if let problem = checker?.checkInputs(loaded, op: op, baseDirectory: plan.workflow.baseDirectory) {
            throw TaskError(op: op.id, item: item.key, reason: .inputsSchema(problem))
        }
        return loaded
    }

    private func makeDeferredCalls(in value: JSONValue, item: WorkItem) throws(TaskError) -> JSONValue {
        switch value {
        case .object(let members):
            if members.count == 1, let task = members[Self.deferredKey]?.intValue {
                guard let call = state.withLock({ $0.deferredCalls.removeValue(forKey: task) }) else {
                    throw TaskError(
                        op: plan.ops[Int(task) % graph.opCount].id, item: item.key,
                        reason: .internal("a deferred call was taken twice (task \(task))"))
                }
                switch callWithRetries(call, isTerminal: false).outcome {
                case .success(let (result, _)): return result
                case .failure(let failure): throw TaskError(call, .upstream(failure))
                }
            }
            var out = JSONObject()
            for (name, member) in members { out[name] = try makeDeferredCalls(in: member, item: item) }
            return .object(out)
        case .array(let elements):
            var out: [JSONValue] = []
            for element in elements { out.append(try makeDeferredCalls(in: element, item: item)) }
            return .array(out)
        default:
            return value
        }
    }

    /// `value` with every cached reference replaced: entries read, and for each bad one (the
    /// cache warned and dropped it) the call that made it made again and its result stored.
    private func recompute(_ value: JSONValue, after error: CacheEntryError, for op: PlannedOp, item: WorkItem) throws(TaskError)
        -> JSONValue
    {
        switch value {
        case .object(let members):
            if members.count == 1, let key = members[DiskCache.referenceKey]?.stringValue {
                if key == error.key { return try callAgain(key: key, error: error, for: op, item: item) }
                do {
                    if let cache { return try cache.materialize(value) }
                } catch let bad as CacheEntryError {
                    return try callAgain(key: key, error: bad, for: op, item: item)
                } catch {
                    throw TaskError(op: op.id, item: item.key, reason: .cache(error))
                }
                return value
            }
            var out = JSONObject()
            for (name, member) in members { out[name] = try recompute(member, after: error, for: op, item: item) }
            return .object(out)
        case .array(let elements):
            var out: [JSONValue] = []
            for element in elements { out.append(try recompute(element, after: error, for: op, item: item)) }
            return .array(out)
        default:
            return value
        }
    }

    /// Makes the call whose result the bad entry `key` held, and stores its result under `key`.
    private func callAgain(key: String, error: CacheEntryError, for op: PlannedOp, item: WorkItem) throws(TaskError) -> JSONValue {
        guard let fallback = state.withLock({ $0.lazyFallbacks[key]?.call }) else {
            throw TaskError(op: op.id, item: item.key, reason: .cache(error))
        }
        var call = fallback
        if Self.hasDeferredCalls(call.data) || cache?.isLazy(call.data) == true {
            call.context["data"] = try load(call.data, checkingInputsOf: call.op, item: call.item)
        }
        var record = TaskRecord(cacheKey: key)
        switch callAndStore(call, isTerminal: false, record: &record) {
        case .success(let (result, _)): return result
        case .failure(let failure): throw TaskError(call, .upstream(failure))
        }
    }
}
