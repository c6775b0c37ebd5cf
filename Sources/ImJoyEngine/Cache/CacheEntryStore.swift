import Foundation
import ImJoySchema
import ImageIO

/// The entries of a result cache: `entries/<k0k1>/<key>/` holding
/// - `result.json`: the result with every binary payload replaced by
///   `{"$imjoy_cache_blob": N, "size": BYTES, "sha256": DIGEST}`,
/// - `blob-N.bin`: the raw bytes of payload N,
/// - `result.sha256`: the SHA-256 of `result.json`.
///
/// An entry is built in `tmp/` and renamed into place in one step, so concurrent writers (Slurm
/// array tasks sharing a cache) never expose a partial entry; the loser of a race drops its
/// copy. Every read is verified against the digests (blobs hashed while they are read): a
/// missing entry is a miss, a bad one (truncated, edited, flipped bits) is reported as
/// ``CacheEntryError`` and removed so that the fresh result replaces it. `result.json`'s
/// modification time is the entry's last use (set on every hit) for pruning.
struct CacheEntryStore: Sendable {
    let directory: URL

    static let blobKey = "$imjoy_cache_blob"
    static let resultFile = "result.json"
    static let digestFile = "result.sha256"

    enum Loaded {
        case missing
        case bad(CacheEntryError)
        case hit(JSONValue)
    }

    func entryURL(_ key: String) -> URL {
        directory.appendingPathComponent("entries/\(key.prefix(2))/\(key)")
    }

    /// Whether `key` has an entry (and marks it used: one `utimensat`, which fails when the
    /// file is not there). Not verified: the entry is read, and checked, where it is used.
    func exists(_ key: String) -> Bool {
        utimensat(AT_FDCWD, entryURL(key).appendingPathComponent(Self.resultFile).path, nil, 0) == 0
    }

    /// The stored result of `key`, verified.
    func load(_ key: String) -> Loaded {
        let entry = entryURL(key)
        let resultPath = entry.appendingPathComponent(Self.resultFile).path
        guard let data = FileManager.default.contents(atPath: resultPath) else {
            return FileManager.default.fileExists(atPath: entry.path) ? .bad(bad(key, Self.resultFile, "missing")) : .missing
        }
        guard let digest = FileManager.default.contents(atPath: entry.appendingPathComponent(Self.digestFile).path) else {
            return .bad(bad(key, Self.digestFile, "missing"))
        }
        guard String(decoding: digest, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines) == SHA256.hex(data) else {
            return .bad(bad(key, Self.resultFile, "SHA-256 differs from \(Self.digestFile) (\(data.count) bytes)"))
        }
        guard let stored = try? JSONValue(jsonText: String(decoding: data, as: UTF8.self)) else {
            return .bad(bad(key, Self.resultFile, "not JSON"))
        }
        switch restore(stored, entry: entry, key: key) {
        case .success(let result):
            utimensat(AT_FDCWD, resultPath, nil, 0)  // the use, for LRU pruning
            return .hit(result)
        case .failure(let error):
            return .bad(error)
        }
    }

    private func bad(_ key: String, _ file: String, _ reason: String) -> CacheEntryError {
        CacheEntryError(key: key, path: entryURL(key).appendingPathComponent(file).path, reason: "\(file): \(reason)")
    }

    /// `stored` with its blob placeholders replaced by the verified bytes.
    private func restore(_ value: JSONValue, entry: URL, key: String) -> Result<JSONValue, CacheEntryError> {
        switch value {
        case .object(let members):
            if let index = members[Self.blobKey]?.intValue, let size = members["size"]?.intValue {
                let name = "blob-\(index).bin"
                let digest = members["sha256"]?.stringValue
                guard digest != nil else { return .failure(bad(key, name, "no digest recorded")) }
                switch CacheFiles.readBlob(entry.appendingPathComponent(name).path, size: size, sha256: digest) {
                case .success(let bytes): return .success(.bytes(JSONBytes(bytes)))
                case .failure(.missing): return .failure(bad(key, name, "missing"))
                case .failure(.size(let actual)): return .failure(bad(key, name, "\(actual) bytes, \(size) expected (truncated?)"))
                case .failure(.digest): return .failure(bad(key, name, "SHA-256 mismatch"))
                }
            }
            var out = JSONObject()
            for (name, member) in members {
                switch restore(member, entry: entry, key: key) {
                case .success(let restored): out[name] = restored
                case .failure(let error): return .failure(error)
                }
            }
            return .success(.object(out))
        case .array(let elements):
            var out: [JSONValue] = []
            for element in elements {
                switch restore(element, entry: entry, key: key) {
                case .success(let restored): out.append(restored)
                case .failure(let error): return .failure(error)
                }
            }
            return .success(.array(out))
        default:
            return .success(value)
        }
    }

    /// Writes the entry in `tmp/` and renames it into place (first writer wins). Returns
    /// whether this call stored it.
    @discardableResult
    func save(_ result: JSONValue, key: String) throws -> Bool {
        let final = entryURL(key)
        if FileManager.default.fileExists(atPath: final.appendingPathComponent(Self.resultFile).path) { return false }
        let temporary = directory.appendingPathComponent("tmp/\(key).\(getpid()).\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: temporary, withIntermediateDirectories: true)
        do {
            var blobs = 0
            let stripped = try strip(result, into: temporary, blobs: &blobs)
            let text = Data(stripped.serialized().utf8)
            try text.withUnsafeBytes { try AtomicOutputFile.writeFile($0, to: temporary.appendingPathComponent(Self.resultFile).path) }
            try Data((SHA256.hex(text) + "\n").utf8).withUnsafeBytes {
                try AtomicOutputFile.writeFile($0, to: temporary.appendingPathComponent(Self.digestFile).path)
            }
            try FileManager.default.createDirectory(at: final.deletingLastPathComponent(), withIntermediateDirectories: true)
            if rename(temporary.path, final.path) != 0 {
                // Another writer got there first (EEXIST/ENOTEMPTY): its entry is as good as ours.
                try? FileManager.default.removeItem(at: temporary)
                return false
            }
            return true
        } catch {
            try? FileManager.default.removeItem(at: temporary)
            throw error
        }
    }

    /// `value` with each binary payload written to a blob file of `folder` (hashed as written).
    private func strip(_ value: JSONValue, into folder: URL, blobs: inout Int) throws -> JSONValue {
        switch value {
        case .bytes(let bytes):
            let index = blobs
            blobs += 1
            var hasher = SHA256()
            try bytes.withUnsafeBytes { raw in
                hasher.update(raw)
                try AtomicOutputFile.writeFile(raw, to: folder.appendingPathComponent("blob-\(index).bin").path)
            }
            return [Self.blobKey: .integer(Int64(index)), "size": .integer(Int64(bytes.count)), "sha256": .string(hasher.finalizeHex())]
        case .array(let elements):
            var out: [JSONValue] = []
            for element in elements { out.append(try strip(element, into: folder, blobs: &blobs)) }
            return .array(out)
        case .object(let members):
            var out = JSONObject()
            for (name, member) in members { out[name] = try strip(member, into: folder, blobs: &blobs) }
            return .object(out)
        default:
            return value
        }
    }

    /// Removes a bad entry (moved into `tmp/` first, so no reader sees it half deleted).
    func discard(_ key: String) {
        let trash = directory.appendingPathComponent("tmp/bad-\(key).\(UUID().uuidString)")
        try? FileManager.default.createDirectory(at: trash.deletingLastPathComponent(), withIntermediateDirectories: true)
        if rename(entryURL(key).path, trash.path) == 0 { try? FileManager.default.removeItem(at: trash) }
    }
}
