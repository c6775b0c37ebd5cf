/// A cache entry that cannot be used: missing (pruned during the run), incomplete or corrupt.
/// The entry is dropped and the call that made it is made again (a miss).
public struct CacheEntryError: Error, CustomStringConvertible, Sendable, Equatable {
    /// The entry's key.
    public var key: String
    /// The file at fault (absolute), when one is.
    public var path: String?
    /// What is wrong: `blob-0.bin: SHA-256 mismatch`, `result.json: 812 bytes, digest file says …`.
    public var reason: String

    public init(key: String, path: String? = nil, reason: String) {
        self.key = key
        self.path = path
        self.reason = reason
    }

    public var description: String { "cache entry \(key) is bad: \(reason)" }
}
