import Foundation
import ImageIO

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
/// A run gives the same instance to its ``BuiltinInvoker`` and ``OutputWriter`` and calls
/// ``finish()`` after the executor returns.
public final class SharedHDF5Files: @unchecked Sendable {
    private let lock = NSLock()
    private var fileLocks: [String: NSLock] = [:]
    private var written: Set<String> = []
    private var open: [String: OpenFile] = [:]

    private final class OpenFile {
        let writer: HDF5Writer
        var datasets: Set<String> = []
        init(writer: HDF5Writer) { self.writer = writer }
    }

    /// The shard this run is (`shard-0003-of-0008`), or `nil` for a whole-batch run. A shard
    /// names each shared file `NAME.<label>.h5` (see ``sharedPath(_:)``), so the tasks of an
    /// array never write the same file; `imjoy-run gather` links them into `NAME.h5`.
    public let shardLabel: String?
    private var sharedKeys: Set<String> = []

    public init(shardLabel: String? = nil) {
        self.shardLabel = shardLabel
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
        lock.withLock { sharedKeys.contains(url.standardizedFileURL.path) }
    }

    deinit { _ = try? finish() }

    /// Adds `datasets` (path, array) to the HDF5 file at `url`, with `layout` for the new ones
    /// (and for the copies of earlier ones in a per-item file). `shared`: the file collects
    /// every item's datasets and is committed by ``finish()``.
    public func add(_ datasets: [(path: String, array: NDArray)], to url: URL, layout: HDF5Layout, shared: Bool, provenance: String? = nil) throws {
        let attribute = ProvenanceBuilder.hdf5Attribute
        let key = url.standardizedFileURL.path
        let fileLock: NSLock = lock.withLock {
            if let existing = fileLocks[key] { return existing }
            let created = NSLock()
            fileLocks[key] = created
            return created
        }
        try fileLock.withLock {
            if shared {
                let file: OpenFile = try lock.withLock {
                    if let existing = open[key] { return existing }
                    let created = OpenFile(writer: try HDF5Writer(url: url))
                    open[key] = created
                    sharedKeys.insert(key)
                    return created
                }
                for (path, array) in datasets {
                    guard !file.datasets.contains(path) else {
                        throw HDF5Error.writeFailed(file: key, path: path, reason: "the dataset was already written in this run")
                    }
                    try file.writer.writeDataset(path, array, layout: array.rank == 0 ? .contiguous : layout)
                    if let provenance { try file.writer.setAttribute(attribute, to: .string(provenance), at: path) }
                    file.datasets.insert(path)
                }
                return
            }
            let seenBefore = lock.withLock { written.contains(key) }
            var previous: [(String, NDArray)] = []
            var previousProvenance: [String: String] = [:]
            if seenBefore, FileManager.default.fileExists(atPath: key) {
                let file = try HDF5File(contentsOf: url)
                let replaced = Set(datasets.map(\.path))
                for path in try file.datasetPaths() where !replaced.contains(path) {
                    previous.append((path, try file.readDataset(path)))
                    if let found = try? file.attributes(of: path).first(where: { $0.name == attribute }), case .string(let text) = found.value {
                        previousProvenance[path] = text
                    }
                }
            }
            let writer = try HDF5Writer(url: url)
            for (path, array) in previous + datasets.map({ ($0.path, $0.array) }) {
                try writer.writeDataset(path, array, layout: array.rank == 0 ? .contiguous : layout)
            }
            for (path, text) in previousProvenance { try writer.setAttribute(attribute, to: .string(text), at: path) }
            if let provenance { for (path, _) in datasets { try writer.setAttribute(attribute, to: .string(provenance), at: path) } }
            try writer.commit()
            lock.withLock { _ = written.insert(key) }
        }
    }

    /// Commits every shared file (close, rename into place) and returns their paths; later
    /// writes to the same path start a new file. Throws the first failure after trying all.
    @discardableResult
    public func finish() throws -> [String] {
        let files: [(String, OpenFile)] = lock.withLock {
            let taken = open.sorted { $0.key < $1.key }
            open.removeAll()
            return taken
        }
        var firstError: (any Error)? = nil
        for (_, file) in files {
            do { try file.writer.commit() } catch { firstError = firstError ?? error }
        }
        if let firstError { throw firstError }
        return files.map(\.0)
    }
}
