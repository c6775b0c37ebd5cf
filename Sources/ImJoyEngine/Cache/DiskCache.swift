import Foundation
import ImJoyPlugin
import ImJoySchema
import ImJoyWorkflow
import Synchronization

/// The content-addressed result cache of functional ops (docs/reproducibility.md).
///
/// Layout under the cache folder: `entries/` (``CacheEntryStore``: results and their blobs,
/// verified by SHA-256 on every read; `hdf5-chunks.bin` of ``HDF5ChunkStore``), `index/`
/// (``CacheIndex``: the parts of the last key per workflow, op and item, to explain reruns),
/// `files/` (``FileHashes``' records), `tmp/` (entries being built or removed). Keys are
/// ``CacheKey``s: code, op, config, data identity, variables and, for plugins, the runtime
/// (``RuntimeIdentity``). `imjoy-run cache prune` is ``CachePruner``.
public final class DiskCache: ResultCache, Sendable {
    public let directory: URL
    let plan: WorkflowPlan
    /// Ops named by `--rerun`: always called (their fresh result replaces the entry).
    let rerun: Set<String>
    let log: @Sendable (String) -> Void
    let hashes: FileHashes
    let entries: CacheEntryStore
    let index: CacheIndex
    /// Per op: the code identity (plugin file content + tag, or built-in name + runner version).
    let codeIdentity: [String: String]
    /// Per op: the text of its data expression in keys (made once: `\(expression)` goes through
    /// reflection, which cost more than the rest of a key).
    let expressionText: [String: String]

    struct State {
        var counters = (hits: 0, misses: 0, stores: 0)
        /// Parts of keys looked up and missed, until their result is stored.
        var pendingParts: [String: CacheKey] = [:]
        /// Per item index: the canonical identity of its inputs (the same for each of its ops' keys).
        var inputIdentities: [Int: String] = [:]
    }

    let state = Mutex(State())

    public static let blobKey = CacheEntryStore.blobKey
    public static let referenceKey = "$imjoy_cache_ref"

    public init(
        directory: String, plan: WorkflowPlan, rerun: Set<String> = [], hashes: FileHashes = .shared,
        log: @escaping @Sendable (String) -> Void = { _ in }
    ) {
        self.directory = URL(fileURLWithPath: FileHashes.resolve(directory, base: FileManager.default.currentDirectoryPath))
        self.plan = plan
        self.rerun = rerun
        self.log = log
        self.hashes = hashes
        entries = CacheEntryStore(directory: self.directory)
        index = CacheIndex(directory: self.directory, workflow: plan.workflow.name)
        codeIdentity = Self.codeIdentities(plan)
        expressionText = Dictionary(plan.ops.map { ($0.id, "expression \($0.data)") }, uniquingKeysWith: { first, _ in first })
    }

    private static func codeIdentities(_ plan: WorkflowPlan) -> [String: String] {
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
        return identity
    }

    /// Hits, misses and stores so far (a bad entry counts as a miss).
    public var statistics: (hits: Int, misses: Int, stores: Int) { state.withLock { $0.counters } }

    /// Whether `op` gets a key: functional ops (built-in and flagged plugins).
    public static func isCacheable(_ op: PlannedOp) -> Bool { op.isFunctional }

    /// Whether `op`'s results are stored: keyed ops except the file ops. Writers always run
    /// (their effect is the file); reading a file again costs what reading an entry would.
    /// Both still get a key, which stands for their result in the keys of later ops.
    public static func isStored(_ op: PlannedOp) -> Bool {
        if case .builtin(let name) = op.spec.target, let declaration = BuiltinOps.declaration(name) { return declaration.storesResult }
        return true
    }

    /// Whether `op` is a built-in file read (its key comes from the file's content hash).
    static func isRead(_ op: PlannedOp) -> Bool {
        if case .builtin(let name) = op.spec.target { return BuiltinOps.declaration(name)?.readsFile == true }
        return false
    }

    func entryURL(_ key: String) -> URL { entries.entryURL(key) }

    /// The verified result of `key`, or `nil` (a bad entry is reported, dropped and `nil`).
    func load(_ key: String) -> JSONValue? {
        switch entries.load(key) {
        case .hit(let value): return value
        case .missing: return nil
        case .bad(let error):
            drop(error)
            return nil
        }
    }

    /// Warns about a bad entry and removes it, so that the fresh result replaces it.
    func drop(_ error: CacheEntryError, context: String = "") {
        log("warning: \(error)\(context); it counts as a miss and is replaced by the fresh result")
        entries.discard(error.key)
    }

    // MARK: - Pruning (``CachePruner``)

    public typealias PruneReport = CachePruner.Report

    /// ``CachePruner/prune(directory:maxBytes:)``.
    public static func prune(directory: String, maxBytes: Int) throws -> PruneReport {
        try CachePruner.prune(directory: directory, maxBytes: maxBytes)
    }

    /// ``CacheSize/parse(_:)``.
    public static func parseSize(_ text: String) -> Int? { CacheSize.parse(text) }
}
