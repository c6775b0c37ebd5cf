import Foundation
import ImageIO

/// The HDF5 files one run writes, so that several writes can land in the same file.
///
/// Writes to one file are serialised. The first write of the run creates the file (replacing a
/// file left by an earlier run); each later write rewrites it atomically with the datasets
/// already in it plus the new ones (a dataset path written again is replaced). The file is a
/// complete, valid HDF5 file after every write, at the price of copying earlier datasets: for
/// large batches prefer one file per item (`{item}` in the path).
public final class SharedHDF5Files: @unchecked Sendable {
    private let lock = NSLock()
    private var fileLocks: [String: NSLock] = [:]
    private var written: Set<String> = []

    public init() {}

    /// Adds `datasets` (path, array) to the HDF5 file at `url`, with `layout` for the new ones
    /// (and for the copies of earlier ones).
    public func add(_ datasets: [(path: String, array: NDArray)], to url: URL, layout: HDF5Layout) throws {
        let key = url.standardizedFileURL.path
        let fileLock: NSLock = lock.withLock {
            if let existing = fileLocks[key] { return existing }
            let created = NSLock()
            fileLocks[key] = created
            return created
        }
        try fileLock.withLock {
            let seenBefore = lock.withLock { written.contains(key) }
            var previous: [(String, NDArray)] = []
            if seenBefore, FileManager.default.fileExists(atPath: key) {
                let file = try HDF5File(contentsOf: url)
                let replaced = Set(datasets.map(\.path))
                for path in try file.datasetPaths() where !replaced.contains(path) {
                    previous.append((path, try file.readDataset(path)))
                }
            }
            let writer = try HDF5Writer(url: url)
            for (path, array) in previous + datasets.map({ ($0.path, $0.array) }) {
                try writer.writeDataset(path, array, layout: array.rank == 0 ? .contiguous : layout)
            }
            try writer.commit()
            lock.withLock { _ = written.insert(key) }
        }
    }
}
