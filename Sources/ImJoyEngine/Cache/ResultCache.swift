import Foundation
import ImJoySchema
import ImJoyWorkflow

/// The runner's identity, recorded in provenance and part of every built-in op's cache key.
public enum RunnerInfo {
    public static let name = "imjoy-run"
    public static let version = "0.1.0"
    /// Bumped whenever the cache's key recipe or entry layout changes (invalidates every entry).
    public static let cacheFormatVersion = 1
}

/// What the executor asks a cache before calling an op, and tells it after a successful call.
///
/// The executor hands over the cache keys of the tasks whose results make up the data
/// (`sourceKeys`, by op id) so a key can be derived without rehashing upstream arrays.
public protocol ResultCache: Sendable {
    /// The key of `call` (`nil`: the op is not cached) and, on a hit, the stored result.
    func lookup(_ call: OpCall, sourceKeys: [String: String]) -> CacheLookup
    /// Stores the result of a successful call under `key`.
    func store(_ result: JSONValue, key: String, call: OpCall)
}

public struct CacheLookup: Sendable {
    public var key: String?
    public var result: JSONValue?
    public init(key: String?, result: JSONValue?) {
        self.key = key
        self.result = result
    }
}

/// SHA-256 of file contents, memoised by path, size and modification time (a file is hashed
/// once per process even when the cache and the provenance both ask).
public final class FileHashes: @unchecked Sendable {
    public static let shared = FileHashes()
    private let lock = NSLock()
    private var memo: [String: (size: Int, mtime: Double, sha256: String)] = [:]

    public init() {}

    /// The hex SHA-256 of the regular file at `path`, or `nil` when there is none.
    public func sha256(_ path: String) -> String? {
        guard let attributes = try? FileManager.default.attributesOfItem(atPath: path),
              (attributes[.type] as? FileAttributeType) == .typeRegular else { return nil }
        let size = (attributes[.size] as? NSNumber)?.intValue ?? -1
        let mtime = (attributes[.modificationDate] as? Date)?.timeIntervalSince1970 ?? 0
        if let known = lock.withLock({ memo[path] }), known.size == size, known.mtime == mtime { return known.sha256 }
        guard let (hash, _) = try? SHA256.file(path) else { return nil }
        lock.withLock { memo[path] = (size, mtime, hash) }
        return hash
    }

    /// `path` resolved against `base` when relative.
    public static func resolve(_ path: String, base: String) -> String {
        if path.hasPrefix("/") { return path }
        let baseURL = base.hasPrefix("/") ? URL(fileURLWithPath: base)
            : URL(fileURLWithPath: FileManager.default.currentDirectoryPath).appendingPathComponent(base)
        return baseURL.appendingPathComponent(path).standardizedFileURL.path
    }

    /// `value` with every binary payload replaced by `{"$sha256": …}` of its bytes and every
    /// string that names an existing file (relative to `base`) by `{"$file": …, "$sha256": …}`:
    /// a small JSON value whose canonical text identifies the content.
    public func contentIdentity(_ value: JSONValue, base: String) -> JSONValue {
        switch value {
        case .bytes(let bytes):
            var hasher = SHA256()
            bytes.withUnsafeBytes { hasher.update($0) }
            return ["$sha256": .string(hasher.finalizeHex())]
        case .string(let text) where !text.isEmpty && text.count < 4096:
            if let hash = sha256(Self.resolve(text, base: base)) {
                return ["$file": .string(text), "$sha256": .string(hash)]
            }
            return value
        case .array(let elements):
            return .array(elements.map { contentIdentity($0, base: base) })
        case .object(let members):
            var out = JSONObject()
            for (key, member) in members { out[key] = contentIdentity(member, base: base) }
            return .object(out)
        default:
            return value
        }
    }
}
