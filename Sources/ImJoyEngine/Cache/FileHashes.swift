import Foundation
import ImJoySchema
import Synchronization

/// SHA-256 of file contents, memoised by the file's identity (a file is hashed once per process
/// even when the cache and the provenance both ask) and, with ``persist(in:)``, across runs.
///
/// A memo entry is trusted only while the file's stamp is unchanged: device, inode, size, and
/// modification and change times in nanoseconds (as git's index does). Persisted records carry
/// a checksum of their own lines, so an edited or damaged record is dropped and the file hashed
/// again; a file changed within the last two seconds is not persisted (its timestamps may not
/// yet tell a later change of the same size apart: git's "racy" case).
public final class FileHashes: Sendable {
    public static let shared = FileHashes()

    private struct State {
        var memo: [String: (stamp: String, sha256: String)] = [:]
        /// Where hashes persist across runs (`<cache>/files`), set when a run uses a cache.
        var store: URL?
    }

    private let state = Mutex(State())
    /// Files changed less than this many seconds ago are hashed but not persisted.
    let racySeconds: Double

    public init() { racySeconds = 2 }

    init(racySeconds: Double) { self.racySeconds = racySeconds }

    /// Keeps hashes in `directory` too, keyed by path and validated by the file's stamp: a warm
    /// rerun does not read its input files again just to hash them.
    public func persist(in directory: URL) {
        state.withLock { $0.store = directory }
    }

    /// The stamp of a regular file (`nil` for anything else): what must not change for a hash
    /// to stay valid.
    static func stamp(_ info: stat) -> String {
        "\(info.st_dev) \(info.st_ino) \(info.st_size) \(info.st_mtim.tv_sec).\(info.st_mtim.tv_nsec) \(info.st_ctim.tv_sec).\(info.st_ctim.tv_nsec)"
    }

    /// The hex SHA-256 of the regular file at `path`, or `nil` when there is none.
    /// `persist: false` keeps the hash in this process only (output files).
    public func sha256(_ path: String, persist: Bool = true) -> String? {
        var info = stat()
        guard stat(path, &info) == 0, (info.st_mode & S_IFMT) == S_IFREG else { return nil }
        let stamp = Self.stamp(info)
        let (known, directory) = state.withLock { ($0.memo[path], persist ? $0.store : nil) }
        if let known, known.stamp == stamp { return known.sha256 }
        let record = directory?.appendingPathComponent(SHA256.hex(Data(path.utf8)).prefix(32) + ".txt")
        if let record, let hash = Self.readRecord(record, path: path, stamp: stamp) {
            state.withLock { $0.memo[path] = (stamp, hash) }
            return hash
        }
        guard let (hash, _) = try? SHA256.file(path) else { return nil }
        // The file may have changed while it was read: keep the hash only if the stamp held.
        var after = stat()
        guard stat(path, &after) == 0, Self.stamp(after) == stamp else { return hash }
        state.withLock { $0.memo[path] = (stamp, hash) }
        if let record, !Self.isRecent(info, within: racySeconds) { Self.writeRecord(record, path: path, stamp: stamp, hash: hash) }
        return hash
    }

    /// Whether the file changed in the last `seconds` (its stamp may not yet be final).
    static func isRecent(_ info: stat, within seconds: Double) -> Bool {
        guard seconds > 0 else { return false }
        let now = Date().timeIntervalSince1970
        let changed = max(Double(info.st_mtim.tv_sec), Double(info.st_ctim.tv_sec))
        return changed >= now - seconds
    }

    /// A record's four lines: path, stamp, hash, and the SHA-256 of the first three.
    static func recordText(path: String, stamp: String, hash: String) -> String {
        let body = "\(path)\n\(stamp)\n\(hash)\n"
        return body + SHA256.hex(Data(body.utf8)) + "\n"
    }

    /// The hash a record holds for `path` with `stamp`; `nil` (and the record removed) when it
    /// is for another stamp, malformed or fails its checksum.
    static func readRecord(_ url: URL, path: String, stamp: String) -> String? {
        guard let text = try? String(contentsOf: url, encoding: .utf8) else { return nil }
        let lines = text.split(separator: "\n", omittingEmptySubsequences: false)
        guard lines.count >= 4, lines[0] == path else { return nil }
        let hash = String(lines[2])
        guard text == recordText(path: path, stamp: String(lines[1]), hash: hash),
            hash.count == 64, hash.allSatisfy(\.isHexDigit)
        else {
            try? FileManager.default.removeItem(at: url)  // damaged or edited: never trusted
            return nil
        }
        return lines[1] == stamp ? hash : nil
    }

    static func writeRecord(_ url: URL, path: String, stamp: String, hash: String) {
        try? CacheFiles.writeAtomicallyFast(Data(recordText(path: path, stamp: stamp, hash: hash).utf8), to: url)
    }

    /// `path` resolved against `base` when relative.
    public static func resolve(_ path: String, base: String) -> String {
        if path.hasPrefix("/") { return path }
        let baseURL =
            base.hasPrefix("/")
            ? URL(fileURLWithPath: base)
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
            let resolved = Self.resolve(text, base: base)
            if let hash = sha256(resolved) ?? storeSHA256(resolved) {
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
