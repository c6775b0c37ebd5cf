import Foundation
import ImageIO
import Synchronization

/// The HDF5 files one run writes, so that several writes can land in the same file.
///
/// Two kinds of files:
/// - **Per-item files** (the path template has `{item}` or `{stem}`; several ops of an item may
///   add datasets): the first write of the run creates the file, replacing one left by an earlier
///   run; each later write rewrites it atomically with the datasets already in it plus the new
///   ones (the same dataset path is replaced). The file is complete after every write; only that
///   item's few datasets are copied.
/// - **Files shared by all items** (no `{item}`/`{stem}`): one writer stays open for the run and
///   each write adds its datasets (serialised per file); ``finish()`` — or releasing this
///   object — closes the file and renames it into place, so it appears complete, once, at the
///   end of the run, and no write copies earlier data.
///
/// HDF5 lays objects and chunks out in the order they are written, so a shared file written in
/// the order items happen to finish would differ byte for byte between runs with other `--jobs`.
/// Once ``orderItems(_:)`` has named the run's items, writes to shared files are held until
/// their item and every item before it have finished (``itemFinished(_:)``), then written in
/// item order (an item's datasets by path) on a queue of their own; ``finish()`` writes whatever
/// is still held, in the same order. The file's bytes then depend only on which items ran.
///
/// A run gives the same instance to its ``BuiltinInvoker`` and ``OutputWriter`` and calls
/// ``finish()`` after the executor returns.
public final class SharedHDF5Files: Sendable {
    /// Which files exist and are open, and the held writes; the writes themselves happen under
    /// each file's own ``FileLock``, outside this one.
    private let state = Mutex(State())
    private let orderedWrites = DispatchQueue(label: "imjoy-run.shared-hdf5.ordered")

    /// What a dataset is written from.
    public enum DatasetContents: Sendable {
        case array(NDArray)
        /// The chunks the result cache kept from an earlier write of the same data (a warm
        /// rerun writes them without loading the array; ``HDF5Writer/writeDataset(_:storedChunks:layout:)``),
        /// with the array's metadata kept beside them.
        case storedChunks(CompressedChunks, metadata: ArrayMetadata?)
        /// An array larger than the memory limit, written a slab of about `blockBytes` at a time
        /// (``HDF5Writer/writeDataset(_:source:layout:blockBytes:)``).
        case source(any ArraySource, blockBytes: Int)
    }

    /// A shared-file write waiting for its turn.
    private struct HeldWrite: Sendable {
        var datasets: [(path: String, contents: DatasetContents)]
        var url: URL
        var layout: HDF5Layout
        var provenance: String?
        var chunkKey: String?
    }

    // @unchecked: `writer` and `datasets` are used only under the file's `FileLock`,
    // `heldDatasets` only inside `state`'s lock.
    private final class OpenFile: @unchecked Sendable {
        let writer: HDF5Writer
        var datasets: Set<String> = []
        /// Dataset paths of held writes (checked when a write is held).
        var heldDatasets: Set<String> = []
        init(writer: HDF5Writer) { self.writer = writer }
    }

    /// Serialises the writes of one file (they may take long; other files' go on meanwhile).
    private final class FileLock: Sendable {
        private let mutex = Mutex(())
        func withLock(_ body: () throws -> Void) throws { try mutex.withLock { _ in try body() } }
    }

    private struct State {
        var fileLocks: [String: FileLock] = [:]
        /// Per-item files written in this run (a later write keeps their datasets).
        var written: Set<String> = []
        var open: [String: OpenFile] = [:]
        var sharedKeys: Set<String> = []
        // Item order of shared-file writes (empty: write at once).
        var itemPositions: [String: Int] = [:]
        var finishedItems: Set<Int> = []
        var nextPosition = 0
        var held: [Int: [HeldWrite]] = [:]
        var heldError: (any Error)?

        /// The held writes of item `position`, removed, in a fixed order: by file, then dataset
        /// path (the order their ops finished in varies from run to run).
        mutating func takeHeld(_ position: Int) -> [HeldWrite] {
            let writes = held.removeValue(forKey: position) ?? []
            return writes.map { write in
                var sorted = write
                sorted.datasets.sort { $0.path < $1.path }
                return sorted
            }.sorted { ($0.url.path, $0.datasets.first?.path ?? "") < ($1.url.path, $1.datasets.first?.path ?? "") }
        }

        /// The open writer of the shared file at `key` (created at its first write).
        mutating func sharedFile(_ key: String, url: URL) throws -> OpenFile {
            if let existing = open[key] { return existing }
            let created = OpenFile(writer: try HDF5Writer(url: url))
            open[key] = created
            sharedKeys.insert(key)
            return created
        }
    }

    /// The shard this run is (`shard-0003-of-0008`), or `nil` for a whole-batch run. A shard
    /// names each shared file `NAME.<label>.h5` (see ``sharedPath(_:)``), so the tasks of an
    /// array never write the same file; `imjoy-run gather` links them into `NAME.h5`.
    public let shardLabel: String?

    /// Where `write-hdf5` keeps and finds compressed chunks (the run's result cache), or `nil`.
    public let chunkStore: HDF5ChunkStore?

    public init(shardLabel: String? = nil, chunkStore: HDF5ChunkStore? = nil) {
        self.shardLabel = shardLabel
        self.chunkStore = chunkStore
    }

    /// The relative path a shared file (a template without `{item}`/`{stem}`) gets in this run:
    /// unchanged, or with `.<shard label>` inserted before the extension.
    public func sharedPath(_ relative: String) -> String {
        guard let shardLabel else { return relative }
        return Self.shardPath(relative, label: shardLabel)
    }

    /// `dir/NAME.ext` → `dir/NAME.<label>.ext`.
    public static func shardPath(_ relative: String, label: String) -> String {
        let ext = (relative as NSString).pathExtension
        guard !ext.isEmpty else { return relative + "." + label }
        return String(relative.dropLast(ext.count + 1)) + "." + label + "." + ext
    }

    /// Whether `url` is a shared file of this run (committed by ``finish()``).
    public func isShared(_ url: URL) -> Bool {
        state.withLock { $0.sharedKeys.contains(url.standardizedFileURL.path) }
    }

    deinit { _ = try? finish() }

    /// Adds `datasets` (path, array) to the HDF5 file at `url`, with `layout` for the new ones
    /// (and for the copies of earlier ones in a per-item file). `shared`: the file collects
    /// every item's datasets and is committed by ``finish()``. `chunkKey`: the cache key of the
    /// call writing its single dataset, under which ``chunkStore`` keeps its compressed chunks.
    /// `item`: the key of the item writing; with ``orderItems(_:)`` its writes to a shared file
    /// wait for their turn (errors of a held write are thrown by ``finish()``).
    public func add(
        _ datasets: [(path: String, array: NDArray)], to url: URL, layout: HDF5Layout, shared: Bool,
        provenance: String? = nil, chunkKey: String? = nil, item: String? = nil
    ) throws {
        try add(
            contents: datasets.map { ($0.path, .array($0.array)) }, to: url, layout: layout, shared: shared,
            provenance: provenance, chunkKey: chunkKey, item: item)
    }

    /// ``add(_:to:layout:shared:provenance:chunkKey:item:)`` for datasets given as arrays or as stored chunks.
    public func add(
        contents datasets: [(path: String, contents: DatasetContents)], to url: URL, layout: HDF5Layout, shared: Bool,
        provenance: String? = nil, chunkKey: String? = nil, item: String? = nil
    ) throws {
        let chunkKey = datasets.count == 1 ? chunkKey : nil
        if shared, let item,
            try hold(HeldWrite(datasets: datasets, url: url, layout: layout, provenance: provenance, chunkKey: chunkKey), item: item)
        {
            return
        }
        let attribute = ProvenanceBuilder.hdf5Attribute
        let key = url.standardizedFileURL.path
        let fileLock = state.withLock { state in
            if let existing = state.fileLocks[key] { return existing }
            let created = FileLock()
            state.fileLocks[key] = created
            return created
        }
        try fileLock.withLock {
            if shared {
                let file = try state.withLock { try $0.sharedFile(key, url: url) }
                for (path, contents) in datasets {
                    guard !file.datasets.contains(path) else {
                        throw HDF5Error.writeFailed(file: key, path: path, reason: "the dataset was already written in this run")
                    }
                    try write(path, contents, layout: layout, with: file.writer, chunkKey: chunkKey)
                    if let provenance { try file.writer.setAttribute(attribute, to: .string(provenance), at: path) }
                    file.datasets.insert(path)
                }
                return
            }
            let seenBefore = state.withLock { $0.written.contains(key) }
            var previous: [(String, NDArray)] = []
            var previousAttributes: [(path: String, name: String, value: HDF5AttributeValue)] = []
            if seenBefore, FileManager.default.fileExists(atPath: key) {
                let file = try HDF5File(contentsOf: url)
                let replaced = Set(datasets.map(\.path))
                for path in try file.datasetPaths() where !replaced.contains(path) {
                    previous.append((path, try file.readDataset(path)))
                    // The attributes this writer sets: provenance and the pixel sizes.
                    for found in (try? file.attributes(of: path)) ?? []
                    where [attribute, HDF5Format.elementSizeAttribute].contains(found.name) {
                        previousAttributes.append((path, found.name, found.value))
                    }
                }
            }
            let writer = try HDF5Writer(url: url)
            for (path, array) in previous {
                try writer.writeDataset(path, array, layout: array.rank == 0 ? .contiguous : layout)
            }
            for (path, contents) in datasets { try write(path, contents, layout: layout, with: writer, chunkKey: chunkKey) }
            for (path, name, value) in previousAttributes { try writer.setAttribute(name, to: value, at: path) }
            if let provenance { for (path, _) in datasets { try writer.setAttribute(attribute, to: .string(provenance), at: path) } }
            try writer.commit()
            state.withLock { _ = $0.written.insert(key) }
        }
    }

    /// Writes one new dataset, with the pixel sizes of its metadata as `element_size_um`
    /// (``HDF5Format/elementSize(metadata:rank:)``).
    private func write(_ path: String, _ contents: DatasetContents, layout: HDF5Layout, with writer: HDF5Writer, chunkKey: String?) throws {
        let (metadata, rank): (ArrayMetadata?, Int)
        switch contents {
        case .storedChunks(let stored, let kept):
            try writer.writeDataset(path, storedChunks: stored, layout: layout)
            (metadata, rank) = (kept, stored.format.shape.count)
        case .source(let source, let blockBytes):
            try writer.writeDataset(path, source: source, layout: source.shape.isEmpty ? .contiguous : layout, blockBytes: blockBytes)
            (metadata, rank) = (source.metadata, source.shape.count)
        case .array(let array):
            try write(path, array, layout: layout, with: writer, chunkKey: chunkKey)
            (metadata, rank) = (array.metadata, array.rank)
        }
        if let sizes = HDF5Format.elementSize(metadata: metadata, rank: rank) {
            try writer.setAttribute(HDF5Format.elementSizeAttribute, to: .numbers(sizes), at: path)
        }
    }

    /// Writes `array`: with the chunks stored for `chunkKey` when they fit, else compressing it
    /// and storing the chunks (and its metadata) for the next run.
    private func write(_ path: String, _ array: NDArray, layout: HDF5Layout, with writer: HDF5Writer, chunkKey: String?) throws {
        let layout = array.rank == 0 ? .contiguous : layout
        guard let chunkStore, let chunkKey, case .chunked = layout else {
            try writer.writeDataset(path, array, layout: layout)
            return
        }
        if let fresh = try writer.writeDataset(path, array, layout: layout, chunks: chunkStore.reuse(for: chunkKey)) {
            chunkStore.save(fresh, metadata: array.metadata, key: chunkKey)
        }
    }

    /// Commits every shared file (close, rename into place) and returns their paths; later
    /// writes to the same path start a new file. Throws the first failure after trying all.
    @discardableResult
    public func finish() throws -> [String] {
        orderedWrites.sync {}
        let remaining: [HeldWrite] = state.withLock { state in
            state.held.keys.sorted().flatMap { state.takeHeld($0) }
        }
        for write in remaining { perform(write) }
        let (files, heldError) = state.withLock { state in
            let taken = state.open.sorted { $0.key < $1.key }
            state.open.removeAll()
            defer { state.heldError = nil }
            return (taken, state.heldError)
        }
        var firstError = heldError
        for (_, file) in files {
            do { try file.writer.commit() } catch { firstError = firstError ?? error }
        }
        if let firstError { throw firstError }
        return files.map(\.0)
    }

    // MARK: - Item order of shared files

    /// Names the run's items in order: from now on writes to shared files are held and written
    /// in this order (see the type's documentation).
    public func orderItems(_ keys: [String]) {
        state.withLock { state in
            state.itemPositions = Dictionary(keys.enumerated().map { ($1, $0) }, uniquingKeysWith: { first, _ in first })
            state.finishedItems = []
            state.nextPosition = 0
        }
    }

    /// Tells that every task of item `key` has finished (it writes nothing more); writes the
    /// held writes whose turn has come, on the ordered-writes queue.
    public func itemFinished(_ key: String) {
        let due: [HeldWrite] = state.withLock { state in
            guard let position = state.itemPositions[key] else { return [] }
            state.finishedItems.insert(position)
            var due: [HeldWrite] = []
            while state.finishedItems.contains(state.nextPosition) {
                state.finishedItems.remove(state.nextPosition)
                due += state.takeHeld(state.nextPosition)
                state.nextPosition += 1
            }
            return due
        }
        guard !due.isEmpty else { return }
        orderedWrites.async { [self] in for write in due { perform(write) } }
    }

    /// Holds `write` for its item's turn; `false` when writes are not ordered (write at once).
    /// A dataset path written twice is refused here, at once, as an unheld write would be.
    private func hold(_ write: HeldWrite, item: String) throws -> Bool {
        let key = write.url.standardizedFileURL.path
        return try state.withLock { state in
            guard let position = state.itemPositions[item] else { return false }
            let file = try state.sharedFile(key, url: write.url)
            for (path, _) in write.datasets {
                guard !file.heldDatasets.contains(path) else {
                    throw HDF5Error.writeFailed(file: key, path: path, reason: "the dataset was already written in this run")
                }
                file.heldDatasets.insert(path)
            }
            state.held[position, default: []].append(write)
            return true
        }
    }

    /// Writes a held write; keeps the first error for ``finish()``.
    private func perform(_ write: HeldWrite) {
        do {
            try add(
                contents: write.datasets, to: write.url, layout: write.layout, shared: true, provenance: write.provenance,
                chunkKey: write.chunkKey)
        } catch {
            state.withLock { state in if state.heldError == nil { state.heldError = error } }
        }
    }
}
