import Foundation
import ImJoySchema
import ImJoyWorkflow

/// What the executor asks a cache before calling an op, and tells it after a successful call.
///
/// The executor hands over the cache keys of the tasks whose results make up the data
/// (`sourceKeys`, by op id) so a key can be derived without rehashing upstream arrays.
public protocol ResultCache: Sendable {
    /// The key of `call` (`nil`: the op is not cached) and, on a hit, the stored result — with
    /// `lazy`, a reference to it that ``materialize(_:)`` loads (for results only consumed whole
    /// by later ops, which often hit too and never need the data).
    func lookup(_ call: OpCall, sourceKeys: [String: String], lazy: Bool) -> CacheLookup
    /// `value` with every lazy reference replaced by the stored result, verified while it is
    /// read. Throws ``CacheEntryError`` for an entry that is gone or bad (the cache warned and
    /// dropped it; the caller makes the call again and stores its result).
    func materialize(_ value: JSONValue) throws -> JSONValue
    /// Whether `value` holds lazy references.
    func isLazy(_ value: JSONValue) -> Bool
    /// Stores the result of a successful call under `key`.
    func store(_ result: JSONValue, key: String, call: OpCall)
}

public struct CacheLookup: Sendable {
    public var key: String?
    public var result: JSONValue?
    /// Whether the call may wait until a consumer needs its result: its result is never stored,
    /// the key alone identifies it, and calling it has no effect but the result (file reads).
    /// A consumer that hits the cache then never needs it, and the call is never made.
    public var deferrable = false

    public init(key: String?, result: JSONValue?, deferrable: Bool = false) {
        self.key = key
        self.result = result
        self.deferrable = deferrable
    }
}
