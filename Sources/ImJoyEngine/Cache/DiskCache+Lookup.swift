import Foundation
import ImJoySchema
import ImJoyWorkflow

/// The ``ResultCache`` side: lookups (with the rerun explanation), lazy references, stores.
extension DiskCache {
    public func lookup(_ call: OpCall, sourceKeys: [String: String], lazy: Bool) -> CacheLookup {
        guard let parts = components(call, sourceKeys: sourceKeys) else { return CacheLookup(key: nil, result: nil) }
        let key = parts.key
        if !Self.isStored(call.op) { return CacheLookup(key: key, result: nil, deferrable: Self.isRead(call.op)) }
        if rerun.contains(call.op.id) {
            log("\(call.op.id) reran for item \(call.item.key): --rerun \(call.op.id)")
            missed(parts)
            return CacheLookup(key: key, result: nil)
        }
        if lazy, entries.exists(key) {
            hit(parts, call: call)
            return CacheLookup(key: key, result: [Self.referenceKey: .string(key)])
        }
        switch entries.load(key) {
        case .hit(let result):
            hit(parts, call: call)
            return CacheLookup(key: key, result: result)
        case .bad(let error):
            drop(error, context: " (\(call.op.id) for item \(call.item.key))")
        case .missing:
            if let previous = index.entry(op: call.op.id, item: call.item.key) {
                let reason = parts.explain(since: previous.components, previousKey: previous.key, sourceOps: call.op.sourceOps)
                log("\(call.op.id) reran for item \(call.item.key): \(reason)")
            }
        }
        missed(parts)
        return CacheLookup(key: key, result: nil)
    }

    private func hit(_ parts: CacheKey, call: OpCall) {
        state.withLock { $0.counters.hits += 1 }
        if !index.names(parts.key, op: call.op.id, item: call.item.key) { index.write(parts, op: call.op.id, item: call.item.key) }
    }

    private func missed(_ parts: CacheKey) {
        state.withLock { state in
            state.counters.misses += 1
            state.pendingParts[parts.key] = parts
        }
    }

    public func isLazy(_ value: JSONValue) -> Bool {
        switch value {
        case .object(let members): members[Self.referenceKey] != nil || members.values.contains(where: isLazy)
        case .array(let elements): elements.contains(where: isLazy)
        default: false
        }
    }

    public func materialize(_ value: JSONValue) throws -> JSONValue {
        switch value {
        case .object(let members):
            if members.count == 1, let key = members[Self.referenceKey]?.stringValue {
                switch entries.load(key) {
                case .hit(let loaded): return loaded
                case .missing:
                    throw relapse(CacheEntryError(key: key, reason: "gone since it was found (pruned during the run?)"))
                case .bad(let error):
                    drop(error)
                    throw relapse(error)
                }
            }
            var out = JSONObject()
            for (name, member) in members { out[name] = try materialize(member) }
            return .object(out)
        case .array(let elements): return .array(try elements.map(materialize))
        default: return value
        }
    }

    /// A lazy hit that turned out unusable: counted as a miss.
    private func relapse(_ error: CacheEntryError) -> CacheEntryError {
        state.withLock { state in
            state.counters.hits -= 1
            state.counters.misses += 1
        }
        return error
    }

    /// Stores a fresh result (also one that replaces an entry found bad after its lookup).
    public func store(_ result: JSONValue, key: String, call: OpCall) {
        if !Self.isStored(call.op) { return }
        let parts = state.withLock { $0.pendingParts.removeValue(forKey: key) }
        do {
            if try entries.save(result, key: key) { state.withLock { $0.counters.stores += 1 } }
        } catch {
            log("cache: could not store \(call.op.id) for item \(call.item.key): \(error)")
        }
        if let parts { index.write(parts, op: call.op.id, item: call.item.key) }
    }
}
