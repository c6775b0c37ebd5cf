import Dispatch
import Foundation
import ImJoySchema
import ImJoyWorkflow
import ImageIO
import Synchronization

/// Per-item completion records: `<out>/.imjoy-run/items/<item key>.json`, written atomically
/// after every output file of the item is in place, listing each file with its size and
/// SHA-256, and a fingerprint of what produced them (the workflow's ops and variables, the
/// item's inputs, and the size and modification time of its input files).
///
/// An item is complete when its record exists, the fingerprint matches, and every listed file
/// has the recorded size and hash — checked by opening each file, not by a directory listing
/// (which NFS may serve stale). A rerun skips complete items (docs/hpc.md, "Resume").
public struct CompletionRecords: Sendable {
    public struct File: Codable, Sendable, Equatable {
        public var path: String
        public var size: Int
        public var sha256: String
    }

    public struct Record: Codable, Sendable {
        public var item: String
        public var index: Int
        public var workflow: String
        public var fingerprint: String
        public var files: [File]
        /// Files shared with other items (a shard's shared HDF5 file).
        public var shared: [String]
        public var finished: Double
        /// The op that wrote each file (for manifest.json); absent in records of older runs.
        public var ops: [String: String]?
    }

    public let outputDirectory: String
    /// Whether item records are fsynced before and after their rename. Shards and resumed runs
    /// need that (a record must survive a node crash or preemption); a plain local run writes
    /// records only so that a later `--resume` can use them, and skips the fsyncs, which cost
    /// about a millisecond each on a disk.
    public var synchronizes = true

    public init(outputDirectory: String) {
        self.outputDirectory = outputDirectory
    }

    /// `<out>/.imjoy-run`.
    public var stateDirectory: URL { Self.base(outputDirectory).appendingPathComponent(".imjoy-run") }
    public var itemsDirectory: URL { stateDirectory.appendingPathComponent("items") }

    static func base(_ outputDirectory: String) -> URL {
        outputDirectory.hasPrefix("/")
            ? URL(fileURLWithPath: outputDirectory)
            : URL(fileURLWithPath: FileManager.default.currentDirectoryPath).appendingPathComponent(outputDirectory)
    }

    /// `path` relative to the out dir when it lies inside it (shared HDF5 files come back absolute).
    public static func relative(_ path: String, to outputDirectory: String) -> String {
        guard path.hasPrefix("/") else { return path }
        let base = base(outputDirectory).standardizedFileURL.path + "/"
        return path.hasPrefix(base) ? String(path.dropFirst(base.count)) : path
    }

    public func recordURL(_ itemKey: String) -> URL { itemsDirectory.appendingPathComponent(itemKey + ".json") }

    /// The part of every item's fingerprint that comes from the plan: ops (target, config, data,
    /// output) and variables. Make it once per run: interpolating the ops' specs goes through
    /// reflection.
    public static func fingerprintParts(_ plan: WorkflowPlan) -> [String] {
        var parts: [String] = [plan.workflow.name]
        for op in plan.ops {
            parts.append(
                "\(op.id)|\(op.spec.target)|\(JSONValue.object(op.config).serialized([.sortedKeys]))|\(op.spec.data.map { "\($0)" } ?? "")|\(op.spec.output.map { "\($0)" } ?? "")"
            )
        }
        parts.append("output|\(plan.workflow.output)")
        parts.append(JSONValue.object(plan.variables).serialized([.sortedKeys]))
        return parts
    }

    /// What produced an item's outputs: the plan's ``fingerprintParts(_:)``, the item's inputs,
    /// and its input files' size and mtime.
    public static func fingerprint(planParts: [String], item: WorkItem) -> String {
        var parts = planParts
        for name in item.inputs.keys.sorted() {
            let value = item.inputs[name]!
            parts.append("\(name)=\(value.serialized([.sortedKeys]))")
            // stat, not FileManager.attributesOfItem, which also looks up the owner's user and
            // group names (reading /etc/passwd and /etc/group for every item).
            var info = stat()
            if let path = value.stringValue ?? value["path"]?.stringValue, stat(path, &info) == 0 {
                let mtime = Double(info.st_mtim.tv_sec) + Double(info.st_mtim.tv_nsec) * 1e-9
                parts.append("file \(path) \(info.st_size) \(mtime)")
            }
        }
        return SHA256.hex(Data(parts.joined(separator: "\n").utf8))
    }

    /// The record of `itemKey`, if one can be read.
    public func record(_ itemKey: String) -> Record? {
        guard let data = FileManager.default.contents(atPath: recordURL(itemKey).path) else { return nil }
        return try? JSONDecoder().decode(Record.self, from: data)
    }

    /// Why the item is not complete, or `nil` when it is.
    public func problem(_ itemKey: String, fingerprint: String?) -> String? {
        guard let record = record(itemKey) else { return "no completion record" }
        if let fingerprint, record.fingerprint != fingerprint { return "the workflow or its inputs changed" }
        return problem(record)
    }

    /// Checks each listed file's size and hash.
    public func problem(_ record: Record) -> String? {
        let base = Self.base(outputDirectory)
        for file in record.files {
            let path = base.appendingPathComponent(file.path).path
            guard let (sha256, size) = (try? SHA256.file(path)) ?? FileHashes().storeFacts(path) else { return "\(file.path) is missing" }
            if size != file.size { return "\(file.path) has \(size) bytes, not \(file.size)" }
            if sha256 != file.sha256 { return "\(file.path) changed (SHA-256 differs)" }
        }
        return nil
    }

    /// Hashes `files` (relative to the out dir) and writes the item's record atomically.
    public func write(
        item: WorkItem, workflow: String, fingerprint: String, files: [String], shared: [String], ops: [String: String]? = nil
    ) throws {
        let base = Self.base(outputDirectory)
        var entries: [File] = []
        for path in Set(files).sorted() {
            // A shared file is listed by every item: hash it once (memoised by size and mtime).
            let full = base.appendingPathComponent(path).path
            var info = stat()
            if let store = FileHashes.shared.storeFacts(full) {  // a directory store (NAME.zarr)
                entries.append(File(path: path, size: store.size, sha256: store.sha256))
                continue
            }
            guard let sha256 = FileHashes.shared.sha256(full, persist: false), stat(full, &info) == 0 else {
                throw CocoaError(.fileReadNoSuchFile, userInfo: [NSFilePathErrorKey: full])
            }
            entries.append(File(path: path, size: Int(info.st_size), sha256: sha256))
        }
        let record = Record(
            item: item.key, index: item.index, workflow: workflow, fingerprint: fingerprint, files: entries,
            shared: Set(shared).sorted(), finished: Date().timeIntervalSince1970, ops: ops)
        try FileManager.default.createDirectory(at: itemsDirectory, withIntermediateDirectories: true)
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        try Self.writeAtomically(try encoder.encode(record), to: recordURL(item.key), synchronizes: synchronizes)
    }

    /// Removes the item's record (before the item runs again).
    public func remove(_ itemKey: String) {
        try? FileManager.default.removeItem(at: recordURL(itemKey))
    }

    /// Writes `data` to a temporary sibling, fsyncs (unless told not to) and renames it into place.
    public static func writeAtomically(_ data: Data, to url: URL, synchronizes: Bool = true) throws {
        try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
        let output = AtomicOutputFile(destination: url, synchronizes: synchronizes)
        try output.write(data)
        try output.commit()
    }

    /// Splits `items` into those to run and those already complete. When anything runs, items
    /// whose records list a shared file run too: the shared file is rewritten from scratch and
    /// must hold their datasets again.
    public func resumePlan(plan: WorkflowPlan, items: [WorkItem]) -> (run: [WorkItem], complete: [WorkItem]) {
        var run: [WorkItem] = []
        var complete: [WorkItem] = []
        var sharedComplete: Set<Int> = []
        let planParts = Self.fingerprintParts(plan)
        for item in items {
            if problem(item.key, fingerprint: Self.fingerprint(planParts: planParts, item: item)) == nil {
                complete.append(item)
                if !(record(item.key)?.shared.isEmpty ?? true) { sharedComplete.insert(item.index) }
            } else {
                run.append(item)
            }
        }
        if !run.isEmpty && !sharedComplete.isEmpty {
            run = items.filter { item in run.contains { $0.index == item.index } || sharedComplete.contains(item.index) }
            complete.removeAll { sharedComplete.contains($0.index) }
        }
        return (run, complete)
    }
}

/// Wraps a run's result sink and watches its events to write each item's completion record as
/// soon as all of its tasks succeeded; items that wrote into a shared HDF5 file get theirs
/// from ``finishShared()``, after ``SharedHDF5Files/finish()`` committed the file.
public final class CompletionTracker: ResultSink, RunObserver, Sendable {
    private let inner: any ResultSink
    private let records: CompletionRecords
    private let plan: WorkflowPlan
    private let hdf5Files: SharedHDF5Files
    private let itemsByKey: [String: WorkItem]
    private let fingerprintParts: [String]
    private let state = Mutex(State())

    /// What the tracker learns as tasks finish, by item key.
    private struct State {
        var files: [String: [String]] = [:]
        var fileOps: [String: [String: String]] = [:]
        var shared: [String: Set<String>] = [:]
        var succeededTasks: [String: Int] = [:]
        var finishedTasks: [String: Int] = [:]
        var pending: [String] = []
        var errors: [String] = []
    }

    public init(sink: any ResultSink, records: CompletionRecords, plan: WorkflowPlan, items: [WorkItem], hdf5Files: SharedHDF5Files) {
        self.inner = sink
        self.records = records
        self.plan = plan
        self.hdf5Files = hdf5Files
        self.itemsByKey = Dictionary(items.map { ($0.key, $0) }, uniquingKeysWith: { a, _ in a })
        fingerprintParts = CompletionRecords.fingerprintParts(plan)
        // Shared HDF5 files get their items' datasets in item order, whatever order they finish in.
        hdf5Files.orderItems(items.map(\.key))
    }

    /// Problems writing records (a record that could not be written only means the item runs again).
    public var writeErrors: [String] { state.withLock { $0.errors } }

    public func write(_ result: JSONValue, op: PlannedOp, item: WorkItem) throws -> [String] {
        let written = try inner.write(result, op: op, item: item)
        let base = CompletionRecords.base(records.outputDirectory)
        let sharedHere = written.filter { hdf5Files.isShared(base.appendingPathComponent($0)) }
        state.withLock { state in
            state.files[item.key, default: []] += written
            for path in written { state.fileOps[item.key, default: [:]][path] = op.id }
            state.shared[item.key, default: []].formUnion(sharedHere)
        }
        return written
    }

    public func runStarted(items: Int, tasks: Int, jobs: Int) {}
    public func runFinished(_ summary: RunSummary) {}

    public func taskFinished(_ event: TaskEvent, done: Int, total: Int) {
        let opCount = plan.ops.count
        let itemDone: Bool = state.withLock { state in
            state.finishedTasks[event.itemKey, default: 0] += 1
            return state.finishedTasks[event.itemKey] == opCount
        }
        if itemDone { hdf5Files.itemFinished(event.itemKey) }
        guard event.status == .succeeded else { return }
        let ready: Bool = state.withLock { state in
            state.succeededTasks[event.itemKey, default: 0] += 1
            guard state.succeededTasks[event.itemKey] == opCount else { return false }
            if !(state.shared[event.itemKey]?.isEmpty ?? true) {
                state.pending.append(event.itemKey)
                return false
            }
            return true
        }
        if ready { record(event.itemKey) }
    }

    /// Writes the records of the items that wrote into shared files; call after
    /// `SharedHDF5Files.finish()` succeeded.
    /// Items whose completion waits on the shared files (their records are written by
    /// ``finishShared()``); when the shared files fail, these items failed.
    public var itemsAwaitingSharedFiles: [String] { state.withLock { $0.pending } }

    public func finishShared() {
        let keys = state.withLock { $0.pending }
        // Independent files: hash (memoised), encode and write them on every core.
        DispatchQueue.concurrentPerform(iterations: keys.count) { record(keys[$0]) }
    }

    private func record(_ key: String) {
        guard let item = itemsByKey[key] else { return }
        let (itemFiles, itemShared, itemOps) = state.withLock { ($0.files[key] ?? [], $0.shared[key] ?? [], $0.fileOps[key] ?? [:]) }
        do {
            try records.write(
                item: item, workflow: plan.workflow.name,
                fingerprint: CompletionRecords.fingerprint(planParts: fingerprintParts, item: item),
                files: itemFiles, shared: Array(itemShared), ops: itemOps)
        } catch {
            state.withLock { $0.errors.append("item \(key): \(error)") }
        }
    }
}
