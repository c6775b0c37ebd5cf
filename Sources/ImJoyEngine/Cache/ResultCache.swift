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
    /// The key of `call` (`nil`: the op is not cached) and, on a hit, the stored result — with
    /// `lazy`, a reference to it that ``materialize(_:)`` loads (for results only consumed whole
    /// by later ops, which often hit too and never need the data).
    func lookup(_ call: OpCall, sourceKeys: [String: String], lazy: Bool) -> CacheLookup
    /// `value` with every lazy reference replaced by the stored result.
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

/// SHA-256 of file contents, memoised by path, size and modification time (a file is hashed
/// once per process even when the cache and the provenance both ask).
public final class FileHashes: @unchecked Sendable {
    public static let shared = FileHashes()
    private let lock = NSLock()
    private var memo: [String: (size: Int, mtime: Double, sha256: String)] = [:]

    public init() {}

    /// Where hashes persist across runs (`<cache>/files`), set when a run uses a cache.
    private var store: URL?

    /// Keeps hashes in `directory` too, keyed by path and validated by size, inode, and
    /// modification and change times in nanoseconds (as git's index does): a warm rerun does
    /// not read its input files again just to hash them.
    public func persist(in directory: URL) {
        lock.withLock { store = directory }
    }

    /// The hex SHA-256 of the regular file at `path`, or `nil` when there is none.
    /// `persist: false` keeps the hash in this process only (output files).
    public func sha256(_ path: String, persist: Bool = true) -> String? {
        var info = stat()
        guard stat(path, &info) == 0, (info.st_mode & S_IFMT) == S_IFREG else { return nil }
        let size = Int(info.st_size)
        let mtime = Double(info.st_mtim.tv_sec) + Double(info.st_mtim.tv_nsec) * 1e-9
        let stamp = "\(info.st_size) \(info.st_ino) \(info.st_mtim.tv_sec).\(info.st_mtim.tv_nsec) \(info.st_ctim.tv_sec).\(info.st_ctim.tv_nsec)"
        let (known, directory) = lock.withLock { (memo[path], persist ? store : nil) }
        if let known, known.size == size, known.mtime == mtime { return known.sha256 }
        let record = directory?.appendingPathComponent(SHA256.hex(Data(path.utf8)).prefix(32) + ".txt")
        if let record, let text = try? String(contentsOf: record, encoding: .utf8) {
            let lines = text.split(separator: "\n", omittingEmptySubsequences: false)
            if lines.count >= 3, lines[0] == path, lines[1] == stamp, lines[2].count == 64 {
                lock.withLock { memo[path] = (size, mtime, String(lines[2])) }
                return String(lines[2])
            }
        }
        guard let (hash, _) = try? SHA256.file(path) else { return nil }
        lock.withLock { memo[path] = (size, mtime, hash) }
        if let record { try? CompletionRecords.writeAtomicallyFast(Data("\(path)\n\(stamp)\n\(hash)\n".utf8), to: record) }
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
