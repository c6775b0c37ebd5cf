import Foundation
import ImageIO
import ImJoyPlugin
import ImJoySchema
import ImJoyWorkflow

/// The content-addressed result cache of functional ops (docs/reproducibility.md).
///
/// Layout under the cache folder:
/// - `entries/<k0k1>/<key>/result.json`: the result with every binary payload replaced by
///   `{"$imjoy_cache_blob": N, "size": BYTES}`, and `blob-N.bin`: the raw bytes. An entry is
///   built in `tmp/` and renamed into place in one step, so concurrent writers (Slurm array
///   tasks sharing a cache) never expose a partial entry; the loser of a race drops its copy.
///   Readers treat anything unreadable or short as a miss. `result.json`'s modification time
///   is the entry's last use (set on every hit) for `prune`.
/// - `entries/<k0k1>/<key>/hdf5-chunks.bin`: for `write-hdf5`'s key (never a result), the
///   compressed chunks it wrote (``HDF5ChunkStore``); its modification time is its last use.
/// - `index/<h0h1>/<sha256(workflow, op, item)>.json`: the components of the last key used for
///   that (workflow, op, item), to explain a rerun in one line.
public final class DiskCache: ResultCache, @unchecked Sendable {
    public let directory: URL
    private let plan: WorkflowPlan
    /// Ops named by `--rerun`: always called (their fresh result replaces the entry).
    private let rerun: Set<String>
    private let log: @Sendable (String) -> Void
    private let hashes: FileHashes
    /// Per op: the code identity (plugin file content + tag, or built-in name + runner version).
    private let codeIdentity: [String: String]
    /// Per op: the text of its data expression in keys (made once: `\(expression)` goes through
    /// reflection, which cost more than the rest of a key).
    private let expressionText: [String: String]
    private let lock = NSLock()
    private var counters = (hits: 0, misses: 0, stores: 0)
    /// Components of keys looked up and missed, until their result is stored.
    private var pendingParts: [String: Components] = [:]
    /// Per item index: the canonical identity of its inputs (the same for each of its ops' keys).
    private var inputIdentities: [Int: String] = [:]

    public static let blobKey = "$imjoy_cache_blob"

    public init(directory: String, plan: WorkflowPlan, rerun: Set<String> = [], hashes: FileHashes = .shared,
                log: @escaping @Sendable (String) -> Void = { _ in }) {
        self.directory = URL(fileURLWithPath: FileHashes.resolve(directory, base: FileManager.default.currentDirectoryPath))
        self.plan = plan
        self.rerun = rerun
        self.log = log
        self.hashes = hashes
        var identity: [String: String] = [:]
        for op in plan.ops {
            switch op.spec.target {
            case .builtin(let name):
                identity[op.id] = "builtin:\(name)@\(RunnerInfo.name) \(RunnerInfo.version)"
            case .plugin:
                if let alias = op.pluginAlias, let plugin = plan.validated.plugins[alias] {
                    identity[op.id] = "plugin:" + SHA256.hex(Data(plugin.code.utf8)) + "@" + (plugin.config.tag ?? "")
                }
            }
        }
        codeIdentity = identity
        expressionText = Dictionary(plan.ops.map { ($0.id, "expression \($0.data)") }, uniquingKeysWith: { first, _ in first })
    }

    /// Hits, misses and stores so far.
    public var statistics: (hits: Int, misses: Int, stores: Int) { lock.withLock { counters } }

    /// Whether `op` gets a key: functional ops (built-in and flagged plugins).
    public static func isCacheable(_ op: PlannedOp) -> Bool { op.isFunctional }

    /// Whether `op`'s results are stored: keyed ops except the file ops. Writers always run
    /// (their effect is the file); reading a file again costs what reading an entry would.
    /// Both still get a key, which stands for their result in the keys of later ops.
    public static func isStored(_ op: PlannedOp) -> Bool {
        if case .builtin(let name) = op.spec.target, ["read-tiff", "read-hdf5", "write-tiff", "write-hdf5"].contains(name) { return false }
        return true
    }

    /// Whether `op` is a built-in file read (its key comes from the file's content hash).
    static func isRead(_ op: PlannedOp) -> Bool {
        if case .builtin(let name) = op.spec.target { return name == "read-tiff" || name == "read-hdf5" }
        return false
    }

    // MARK: - Keys

    /// The parts a key is made of; the index keeps them to explain reruns.
    struct Components: Codable, Equatable {
        var code: String
        var op: String
        var config: String
        var inputs: String
        var format: Int
        /// Plugin ops only: `ctx._variables`, which a plugin may read (built-ins never do).
        var variables: String? = nil
        var key: String {
            let text = "imjoy-run cache \(format)\n\(code)\n\(op)\n\(config)\n\(inputs)" + (variables.map { "\nvariables \($0)" } ?? "")
            return SHA256.hex(Data(text.utf8))
        }
    }

    func components(_ call: OpCall, sourceKeys: [String: String]) -> Components? {
        let op = call.op
        guard Self.isCacheable(op), let code = codeIdentity[op.id] else { return nil }
        let base = plan.workflow.baseDirectory
        let inputs: String
        if !op.sourceOps.isEmpty, op.sourceOps.allSatisfy({ sourceKeys[$0] != nil }) {
            // The data is made of cached results: their keys identify it (no rehashing arrays).
            var parts = [expressionText[op.id] ?? "expression \(op.data)"]
            for source in op.sourceOps.sorted() { parts.append("\(source)=\(sourceKeys[source]!)") }
            parts.append("inputs " + inputIdentity(call.item, base: base))
            inputs = SHA256.hex(Data(parts.joined(separator: "\n").utf8))
        } else {
            inputs = SHA256.hex(Data(hashes.contentIdentity(call.data, base: base).canonicalText.utf8))
        }
        let name: String = switch op.spec.target {
        case .builtin(let name): name
        case .plugin(_, let opName): opName ?? op.id
        }
        var parts = Components(code: code, op: name, config: JSONValue.object(call.config).canonicalText, inputs: inputs,
                               format: RunnerInfo.cacheFormatVersion)
        if case .plugin = op.spec.target { parts.variables = (call.context["_variables"] ?? .object([:])).canonicalText }
        return parts
    }

    /// The canonical text of `item`'s inputs with file contents hashed, made once per item.
    private func inputIdentity(_ item: WorkItem, base: String) -> String {
        if let known = lock.withLock({ inputIdentities[item.index] }) { return known }
        let sorted = JSONObject(uniqueKeysWithValues: item.inputs.sorted { $0.key < $1.key }.map { ($0.key, $0.value) })
        let text = hashes.contentIdentity(.object(sorted), base: base).canonicalText
        lock.withLock { inputIdentities[item.index] = text }
        return text
    }

    // MARK: - ResultCache

    public func lookup(_ call: OpCall, sourceKeys: [String: String], lazy: Bool) -> CacheLookup {
        guard let parts = components(call, sourceKeys: sourceKeys) else { return CacheLookup(key: nil, result: nil) }
        let key = parts.key
        if !Self.isStored(call.op) { return CacheLookup(key: key, result: nil, deferrable: Self.isRead(call.op)) }
        if rerun.contains(call.op.id) {
            log("\(call.op.id) reran for item \(call.item.key): --rerun \(call.op.id)")
            lock.withLock {
                counters.misses += 1
                pendingParts[key] = parts
            }
            return CacheLookup(key: key, result: nil)
        }
        if lazy, exists(key) {
            lock.withLock { counters.hits += 1 }
            if !indexNames(key, call: call) { writeIndex(parts, call: call) }
            return CacheLookup(key: key, result: [Self.referenceKey: .string(key)])
        }
        if let result = load(key) {
            lock.withLock { counters.hits += 1 }
            if !indexNames(key, call: call) { writeIndex(parts, call: call) }
            return CacheLookup(key: key, result: result)
        }
        lock.withLock {
            counters.misses += 1
            pendingParts[key] = parts
        }
        if let previous = readIndex(call: call), let reason = Self.explain(previous: previous, current: parts, sourceOps: call.op.sourceOps) {
            log("\(call.op.id) reran for item \(call.item.key): \(reason)")
        }
        return CacheLookup(key: key, result: nil)
    }

    public static let referenceKey = "$imjoy_cache_ref"

    /// Whether a complete entry for `key` is stored (and marks it used: one `utimensat`, which
    /// fails when the file is not there).
    func exists(_ key: String) -> Bool {
        utimensat(AT_FDCWD, entryURL(key).appendingPathComponent("result.json").path, nil, 0) == 0
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
                guard let loaded = load(key) else {
                    throw CocoaError(.fileReadNoSuchFile, userInfo: [NSLocalizedDescriptionKey: "cache entry \(key) vanished during the run (pruned?); run again"])
                }
                return loaded
            }
            var out = JSONObject()
            for (name, member) in members { out[name] = try materialize(member) }
            return .object(out)
        case .array(let elements): return .array(try elements.map(materialize))
        default: return value
        }
    }

    public func store(_ result: JSONValue, key: String, call: OpCall) {
        if !Self.isStored(call.op) { return }
        guard let parts = lock.withLock({ pendingParts.removeValue(forKey: key) }) else { return }
        do {
            try save(result, key: key)
            lock.withLock { counters.stores += 1 }
        } catch {
            log("cache: could not store \(call.op.id) for item \(call.item.key): \(error)")
        }
        writeIndex(parts, call: call)
    }

    /// One line: what differs between the last key's components and these.
    static func explain(previous: IndexEntry, current: Components, sourceOps: [String] = []) -> String? {
        let old = previous.components
        if previous.key == current.key { return "its cache entry is gone (pruned or never completed)" }
        var reasons: [String] = []
        if old.format != current.format { reasons.append("cache format changed \(old.format) → \(current.format)") }
        if old.code != current.code {
            reasons.append(current.code.hasPrefix("builtin:") ? "runner version changed" : "plugin code or tag changed")
        }
        if old.op != current.op { reasons.append("op changed \(old.op) → \(current.op)") }
        if old.config != current.config {
            let before = (try? JSONValue(jsonText: old.config))?.objectValue ?? [:]
            let after = (try? JSONValue(jsonText: current.config))?.objectValue ?? [:]
            for name in Set(before.keys).union(after.keys).sorted() {
                switch (before[name], after[name]) {
                case (let a?, let b?) where a.canonicalText != b.canonicalText:
                    reasons.append("config.\(name) changed \(a.serialized()) → \(b.serialized())")
                case (nil, let b?): reasons.append("config.\(name) added (\(b.serialized()))")
                case (let a?, nil): reasons.append("config.\(name) removed (was \(a.serialized()))")
                default: break
                }
            }
        }
        if old.variables != current.variables { reasons.append("workflow variables changed") }
        if old.inputs != current.inputs {
            reasons.append(sourceOps.isEmpty ? "its input data changed" : "its input from \(sourceOps.joined(separator: ", ")) changed")
        }
        return reasons.isEmpty ? "its key changed" : reasons.joined(separator: "; ")
    }

    // MARK: - Index

    struct IndexEntry: Codable {
        var key: String
        var components: Components
    }

    private func indexURL(_ call: OpCall) -> URL {
        let id = SHA256.hex(Data("\(plan.workflow.name)\n\(call.op.id)\n\(call.item.key)".utf8))
        return directory.appendingPathComponent("index/\(id.prefix(2))/\(id).json")
    }

    /// Whether the index already records `key` for the call (a hit leaves it alone then). A
    /// substring test of the file: `JSONEncoder` writes `"key":"…"` with no space.
    func indexNames(_ key: String, call: OpCall) -> Bool {
        let fd = open(indexURL(call).path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { return false }
        defer { close(fd) }
        // An index entry is well under 16 KiB; a longer one is rewritten, which is harmless.
        var buffer = [UInt8](repeating: 0, count: 16384)
        let count = buffer.withUnsafeMutableBytes { read(fd, $0.baseAddress, $0.count) }
        guard count > 0 else { return false }
        return buffer[..<count].firstRange(of: Array("\"key\":\"\(key)\"".utf8)) != nil
    }

    func readIndex(call: OpCall) -> IndexEntry? {
        guard let data = FileManager.default.contents(atPath: indexURL(call).path) else { return nil }
        return try? JSONDecoder().decode(IndexEntry.self, from: data)
    }

    private func writeIndex(_ parts: Components, call: OpCall) {
        let entry = IndexEntry(key: parts.key, components: parts)
        guard let data = try? JSONEncoder().encode(entry) else { return }
        try? CompletionRecords.writeAtomicallyFast(data, to: indexURL(call))
    }

    // MARK: - Entries

    func entryURL(_ key: String) -> URL {
        directory.appendingPathComponent("entries/\(key.prefix(2))/\(key)")
    }

    /// The stored result of `key`, or `nil` when there is none or it cannot be read whole.
    func load(_ key: String) -> JSONValue? {
        let entry = entryURL(key)
        let resultURL = entry.appendingPathComponent("result.json")
        guard let data = FileManager.default.contents(atPath: resultURL.path),
              let text = String(data: data, encoding: .utf8),
              let stored = try? JSONValue(jsonText: text) else { return nil }
        func restore(_ value: JSONValue) -> JSONValue? {
            switch value {
            case .object(let members):
                if let index = members[Self.blobKey]?.intValue, let size = members["size"]?.intValue {
                    guard let bytes = Self.readBlob(entry.appendingPathComponent("blob-\(index).bin").path, size: size) else { return nil }
                    return .bytes(JSONBytes(bytes))
                }
                var out = JSONObject()
                for (name, member) in members {
                    guard let restored = restore(member) else { return nil }
                    out[name] = restored
                }
                return .object(out)
            case .array(let elements):
                var out: [JSONValue] = []
                for element in elements {
                    guard let restored = restore(element) else { return nil }
                    out.append(restored)
                }
                return .array(out)
            default:
                return value
            }
        }
        guard let result = restore(stored) else { return nil }
        // Record the use for LRU pruning.
        utimensat(AT_FDCWD, resultURL.path, nil, 0)
        return result
    }

    /// Writes the entry in `tmp/` and renames it into place (first writer wins).
    func save(_ result: JSONValue, key: String) throws {
        let final = entryURL(key)
        if FileManager.default.fileExists(atPath: final.appendingPathComponent("result.json").path) { return }
        let temporary = directory.appendingPathComponent("tmp/\(key).\(getpid()).\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: temporary, withIntermediateDirectories: true)
        do {
            var blobs = 0
            func strip(_ value: JSONValue) throws -> JSONValue {
                switch value {
                case .bytes(let bytes):
                    let index = blobs
                    blobs += 1
                    try bytes.withUnsafeBytes { try AtomicOutputFile.writeFile($0, to: temporary.appendingPathComponent("blob-\(index).bin").path) }
                    return [Self.blobKey: .integer(Int64(index)), "size": .integer(Int64(bytes.count))]
                case .array(let elements): return .array(try elements.map(strip))
                case .object(let members):
                    var out = JSONObject()
                    for (name, member) in members { out[name] = try strip(member) }
                    return .object(out)
                default: return value
                }
            }
            let stripped = try strip(result)
            try Data(stripped.serialized().utf8).withUnsafeBytes { try AtomicOutputFile.writeFile($0, to: temporary.appendingPathComponent("result.json").path) }
            try FileManager.default.createDirectory(at: final.deletingLastPathComponent(), withIntermediateDirectories: true)
            if rename(temporary.path, final.path) != 0 {
                // Another writer got there first (EEXIST/ENOTEMPTY): its entry is as good as ours.
                try? FileManager.default.removeItem(at: temporary)
            }
        } catch {
            try? FileManager.default.removeItem(at: temporary)
            throw error
        }
    }

    /// Reads exactly `size` bytes (no intermediate `Data`); `nil` when the file is shorter or longer.
    static func readBlob(_ path: String, size: Int) -> [UInt8]? {
        let fd = open(path, O_RDONLY)
        guard fd >= 0 else { return nil }
        defer { close(fd) }
        var complete = false
        let bytes = [UInt8](unsafeUninitializedCapacity: size) { buffer, count in
            var done = 0
            while done < size {
                let n = read(fd, buffer.baseAddress! + done, size - done)
                if n <= 0 { break }
                done += n
            }
            var extra: UInt8 = 0
            complete = done == size && read(fd, &extra, 1) == 0
            count = complete ? size : 0
        }
        return complete ? bytes : nil
    }

    // MARK: - Pruning

    public struct PruneReport: Sendable {
        public var entries: Int
        public var bytesBefore: Int
        public var removed: Int
        public var bytesAfter: Int
    }

    /// Removes the least recently used entries until the entries take at most `maxBytes`.
    /// An entry is moved into `tmp/` before it is deleted, so a reader sees it whole or not at all.
    public static func prune(directory: String, maxBytes: Int) throws -> PruneReport {
        let root = URL(fileURLWithPath: directory)
        let entriesRoot = root.appendingPathComponent("entries")
        let fm = FileManager.default
        var entries: [(url: URL, used: Date, size: Int)] = []
        for shard in (try? fm.contentsOfDirectory(at: entriesRoot, includingPropertiesForKeys: nil)) ?? [] {
            for entry in (try? fm.contentsOfDirectory(at: shard, includingPropertiesForKeys: nil)) ?? [] {
                // The last use: the newest file (hits touch result.json, write-hdf5 its chunks).
                var size = 0, used = Date.distantPast
                for file in (try? fm.contentsOfDirectory(at: entry, includingPropertiesForKeys: [.fileSizeKey, .contentModificationDateKey])) ?? [] {
                    let values = try? file.resourceValues(forKeys: [.fileSizeKey, .contentModificationDateKey])
                    size += values?.fileSize ?? 0
                    used = max(used, values?.contentModificationDate ?? .distantPast)
                }
                entries.append((entry, used, size))
            }
        }
        let before = entries.reduce(0) { $0 + $1.size }
        var total = before
        var removed = 0
        let tmp = root.appendingPathComponent("tmp")
        try fm.createDirectory(at: tmp, withIntermediateDirectories: true)
        // Leftovers of writers that died mid-entry (older than an hour: no live writer takes that long).
        for leftover in (try? fm.contentsOfDirectory(at: tmp, includingPropertiesForKeys: nil)) ?? [] {
            let modified = (try? fm.attributesOfItem(atPath: leftover.path)[.modificationDate] as? Date) ?? .distantPast
            if modified < Date(timeIntervalSinceNow: -3600) { try? fm.removeItem(at: leftover) }
        }
        for entry in entries.sorted(by: { ($0.used, $0.url.path) < ($1.used, $1.url.path) }) where total > maxBytes {
            let trash = root.appendingPathComponent("tmp/trash-\(UUID().uuidString)")
            guard rename(entry.url.path, trash.path) == 0 else { continue }
            try? fm.removeItem(at: trash)
            total -= entry.size
            removed += 1
        }
        return PruneReport(entries: entries.count, bytesBefore: before, removed: removed, bytesAfter: total)
    }

    /// `10G`, `500M`, `64K`, `1000` (bytes; powers of 1024).
    public static func parseSize(_ text: String) -> Int? {
        let trimmed = text.trimmingCharacters(in: .whitespaces).uppercased().replacingOccurrences(of: "IB", with: "").replacingOccurrences(of: "B", with: "")
        let units: [Character: Int] = ["K": 1 << 10, "M": 1 << 20, "G": 1 << 30, "T": 1 << 40]
        if let last = trimmed.last, let unit = units[last], let value = Double(trimmed.dropLast()) { return Int(value * Double(unit)) }
        return Int(trimmed)
    }
}

extension CompletionRecords {
    /// Temporary sibling + rename, without fsync (cache index entries are hints).
    static func writeAtomicallyFast(_ data: Data, to url: URL) throws {
        try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
        let temporary = url.deletingLastPathComponent().appendingPathComponent(".\(url.lastPathComponent).\(getpid()).\(UUID().uuidString)")
        try data.withUnsafeBytes { try AtomicOutputFile.writeFile($0, to: temporary.path) }
        if rename(temporary.path, url.path) != 0 {
            try? FileManager.default.removeItem(at: temporary)
        }
    }
}
