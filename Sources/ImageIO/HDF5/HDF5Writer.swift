import CHDF5
import Foundation
import ImJoySchema

/// Writes an HDF5 file: groups, datasets (contiguous, or chunked with shuffle + gzip) and attributes.
///
/// One writer can hold many items (`/<item>/<op>`), or make one file per item. The file is
/// created under a temporary sibling name; ``commit()`` closes it and renames it into place, and a
/// writer released without committing removes the temporary file.
///
/// Chunked datasets are compressed in parallel outside the HDF5 lock (byte shuffle + zlib-framed
/// deflate by libdeflate, exactly what HDF5's shuffle and deflate filters produce) and handed to
/// `H5Dwrite_chunk` in order under the lock.
public final class HDF5Writer {
    // MARK: - Properties

    /// The destination path, used in errors.
    public let path: String
    private let output: AtomicOutputFile
    private var file: HDF5Object?
    /// Compression workers; by default the number of active processors.
    public var threads = ProcessInfo.processInfo.activeProcessorCount

    // MARK: - Creating

    /// Creates a new, empty HDF5 file that will replace `url` on ``commit()``.
    ///
    /// - Parameter synchronizes: whether ``commit()`` `fsync`s the file before renaming it.
    public init(url: URL, synchronizes: Bool = false) throws(HDF5Error) {
        path = url.path
        output = AtomicOutputFile(destination: url, synchronizes: synchronizes)
        let temporary = output.temporaryURL.path
        let filePath = path
        let created: Result<HDF5Object, HDF5Error> = HDF5Library.withLock {
            guard let object = HDF5Object(H5Fcreate(temporary, CHDF5_H5F_ACC_TRUNC(), CHDF5_H5P_DEFAULT(), HDF5Library.fileAccess.id))
            else {
                return .failure(
                    .writeFailed(file: filePath, path: "/", reason: HDF5Library.takeErrorStack("cannot create the file (H5Fcreate)")))
            }
            return .success(object)
        }
        file = try created.get()
    }

    func openFile(_ objectPath: String) throws(HDF5Error) -> hid_t {
        guard let file else { throw .writeFailed(file: path, path: objectPath, reason: "the writer is already committed") }
        return file.id
    }

    // MARK: - Groups and attributes

    /// Creates the group at `groupPath` and any missing parents; existing groups are kept.
    public func createGroup(_ groupPath: String) throws(HDF5Error) {
        let id = try openFile(groupPath)
        let filePath = path
        try HDF5Library.withLock { () throws(HDF5Error) in
            var prefix = ""
            for component in groupPath.split(separator: "/") {
                prefix += "/" + component
                if H5Lexists(id, prefix, CHDF5_H5P_DEFAULT()) > 0 { continue }
                let groupProperties = H5Pcreate(CHDF5_H5P_GROUP_CREATE())
                defer { H5Pclose(groupProperties) }
                H5Pset_obj_track_times(groupProperties, false)
                let group = H5Gcreate2(id, prefix, CHDF5_H5P_DEFAULT(), groupProperties, CHDF5_H5P_DEFAULT())
                guard group >= 0 else {
                    throw .writeFailed(file: filePath, path: prefix, reason: HDF5Library.takeErrorStack("H5Gcreate2 failed"))
                }
                H5Gclose(group)
            }
            _ = HDF5Library.takeErrorStack("")
        }
    }

    /// Sets attribute `name` on the group or dataset at `objectPath` (replacing an existing one).
    public func setAttribute(_ name: String, to value: HDF5AttributeValue, at objectPath: String = "/") throws(HDF5Error) {
        let id = try openFile(objectPath)
        let filePath = path
        try HDF5Library.withLock { () throws(HDF5Error) in
            let object = H5Oopen(id, objectPath, CHDF5_H5P_DEFAULT())
            guard object >= 0 else {
                _ = HDF5Library.takeErrorStack("")
                throw .notFound(file: filePath, path: objectPath)
            }
            defer { H5Oclose(object) }
            guard HDF5Attributes.write(value, name: name, on: object) else {
                throw .writeFailed(
                    file: filePath, path: "\(objectPath)@\(name)", reason: HDF5Library.takeErrorStack("attribute write failed"))
            }
        }
    }

    /// Sets a JSON document as a string attribute (for provenance).
    public func setJSONAttribute(_ name: String, to value: JSONValue, at objectPath: String = "/") throws(HDF5Error) {
        try setAttribute(name, to: .string(value.serialized()), at: objectPath)
    }

    // MARK: - Datasets

    /// Writes `array` as the dataset at `datasetPath`, creating parent groups.
    ///
    /// - Parameter chunks: for a chunked layout, whether to keep the compressed chunks, or
    ///   earlier chunks of the same data to write instead of compressing (see ``ChunkReuse``).
    /// - Returns: the chunks compressed by this write when `chunks` asks for them, else `nil`
    ///   (also when stored chunks were written).
    /// - Throws: ``HDF5Error`` naming the file when the layout is invalid or HDF5 fails.
    @discardableResult
    public func writeDataset(_ datasetPath: String, _ array: NDArray, layout: HDF5Layout = .contiguous, chunks: ChunkReuse = .none)
        throws(HDF5Error) -> CompressedChunks?
    {
        let settings = try ChunkSettings(layout: layout, shape: array.shape, dtype: array.dtype, file: path, datasetPath: datasetPath)
        let dataset = try createDataset(
            datasetPath, shape: array.shape, dtype: array.dtype, settings: settings,
            contiguousData: array.count > 0 ? UnsafeRawPointer(array.storage.baseAddress) : nil)
        guard let settings, array.count > 0 else { return nil }
        let grid = ChunkGrid(shape: array.shape, chunkShape: settings.chunkShape, elementSize: array.dtype.byteSize)
        let format = settings.format(shape: array.shape, dtype: array.dtype)
        if case .reuse(let stored) = chunks, stored.format == format, stored.chunks.count == grid.chunkCount {
            try writeBatch(stored.chunks, first: 0, grid: grid, dataset: dataset.id, datasetPath: datasetPath)
            return nil
        }
        let kept = try writeChunks(
            of: array, grid: grid, dataset: dataset.id, compression: settings.compression, shuffle: settings.shuffle,
            datasetPath: datasetPath, keep: chunks.keepsWritten)
        return kept.map { CompressedChunks(format: format, chunks: $0) }
    }

    /// Writes a chunked dataset from `stored` chunks alone, without the array they were
    /// compressed from (a rerun that knows its data is that array: the result cache).
    ///
    /// - Throws: ``HDF5Error/unsupported(file:path:reason:)`` before creating anything when the
    ///   chunks are not what `layout` makes of their shape and dtype (check with
    ///   ``canWrite(_:layout:)``); ``HDF5Error`` when HDF5 fails.
    public func writeDataset(_ datasetPath: String, storedChunks stored: CompressedChunks, layout: HDF5Layout) throws(HDF5Error) {
        guard Self.canWrite(stored, layout: layout), let dtype = DType(rawValue: stored.format.dtype) else {
            throw .unsupported(file: path, path: datasetPath, reason: "the stored chunks do not match the layout \(layout)")
        }
        let shape = stored.format.shape
        let settings = try ChunkSettings(layout: layout, shape: shape, dtype: dtype, file: path, datasetPath: datasetPath)
        let dataset = try createDataset(datasetPath, shape: shape, dtype: dtype, settings: settings, contiguousData: nil)
        let grid = ChunkGrid(shape: shape, chunkShape: stored.format.chunkShape, elementSize: dtype.byteSize)
        try writeBatch(stored.chunks, first: 0, grid: grid, dataset: dataset.id, datasetPath: datasetPath)
    }

    /// Whether ``writeDataset(_:storedChunks:layout:)`` can write `stored` with `layout`: the
    /// chunked layout gives exactly the stored format for the stored shape and dtype, and every chunk is there.
    public static func canWrite(_ stored: CompressedChunks, layout: HDF5Layout) -> Bool {
        let shape = stored.format.shape
        guard let dtype = DType(rawValue: stored.format.dtype), !shape.isEmpty, shape.allSatisfy({ $0 > 0 }),
            let settings = try? ChunkSettings(layout: layout, shape: shape, dtype: dtype, file: "", datasetPath: ""),
            settings.format(shape: shape, dtype: dtype) == stored.format
        else { return false }
        return stored.chunks.count == ChunkGrid(shape: shape, chunkShape: settings.chunkShape, elementSize: dtype.byteSize).chunkCount
    }

    /// A chunked layout resolved for one shape and dtype (`nil` from the initializer: contiguous).
    struct ChunkSettings {
        var chunkShape: [Int]
        var compression: Compression
        var shuffle: Bool

        init?(layout: HDF5Layout, shape: [Int], dtype: DType, file: String, datasetPath: String) throws(HDF5Error) {
            guard case .chunked(let requested, let compression, let shuffle) = layout else { return nil }
            guard !shape.isEmpty else { throw .unsupported(file: file, path: datasetPath, reason: "a scalar cannot be chunked") }
            let chunk = requested ?? HDF5Layout.defaultChunkShape(for: shape, dtype: dtype)
            guard chunk.count == shape.count, chunk.allSatisfy({ $0 > 0 }), chunk.reduce(dtype.byteSize, *) < 1 << 32 else {
                throw .unsupported(file: file, path: datasetPath, reason: "chunk shape \(chunk) for shape \(shape)")
            }
            switch compression {
            case .none, .deflate: break
            case .lzw, .zstd, .blosc:
                throw .unsupported(file: file, path: datasetPath, reason: "\(compression) (HDF5 takes none or deflate)")
            }
            chunkShape = chunk
            self.compression = compression
            self.shuffle = shuffle
        }

        func format(shape: [Int], dtype: DType) -> CompressedChunks.Format {
            CompressedChunks.Format(shape: shape, dtype: dtype, chunkShape: chunkShape, shuffle: shuffle, compression: compression)
        }
    }

    /// Creates the dataset (and its parent groups); a contiguous one gets `contiguousData` written.
    func createDataset(
        _ datasetPath: String, shape: [Int], dtype: DType, settings: ChunkSettings?,
        contiguousData: UnsafeRawPointer?
    ) throws(HDF5Error) -> HDF5Object {
        let id = try openFile(datasetPath)
        let filePath = path
        let parent = datasetPath.split(separator: "/").dropLast().joined(separator: "/")
        if !parent.isEmpty { try createGroup("/" + parent) }
        return try HDF5Library.withLock { () throws(HDF5Error) -> HDF5Object in
            let type = HDF5DataType.make(dtype)
            defer { H5Tclose(type) }
            var dims = shape.map { hsize_t($0) }
            let space = shape.isEmpty ? H5Screate(H5S_SCALAR) : H5Screate_simple(Int32(shape.count), &dims, nil)
            defer { H5Sclose(space) }
            let properties = H5Pcreate(CHDF5_H5P_DATASET_CREATE())
            defer { H5Pclose(properties) }
            // No modification times in object headers: the same data gives the same bytes.
            H5Pset_obj_track_times(properties, false)
            if let settings {
                var chunkDims = settings.chunkShape.map { hsize_t($0) }
                H5Pset_chunk(properties, Int32(chunkDims.count), &chunkDims)
                if settings.shuffle { H5Pset_shuffle(properties) }
                if case .deflate(let level) = settings.compression { H5Pset_deflate(properties, UInt32(min(max(level, 0), 9))) }
            }
            guard let dataset = HDF5Object(H5Dcreate2(id, datasetPath, type, space, CHDF5_H5P_DEFAULT(), properties, CHDF5_H5P_DEFAULT()))
            else {
                throw .writeFailed(file: filePath, path: datasetPath, reason: HDF5Library.takeErrorStack("H5Dcreate2 failed"))
            }
            if settings == nil, let contiguousData {
                let memory = HDF5DataType.memoryType(dtype)
                defer { H5Tclose(memory) }
                guard H5Dwrite(dataset.id, memory, CHDF5_H5S_ALL(), CHDF5_H5S_ALL(), CHDF5_H5P_DEFAULT(), contiguousData) >= 0 else {
                    throw .writeFailed(file: filePath, path: datasetPath, reason: HDF5Library.takeErrorStack("H5Dwrite failed"))
                }
            }
            return dataset
        }
    }

    /// Compresses chunks in batches on the workers and writes each batch in order under the lock;
    /// returns every chunk written when `keep`.
    private func writeChunks(
        of array: NDArray, grid: ChunkGrid, dataset: hid_t, compression: Compression, shuffle: Bool,
        datasetPath: String, keep: Bool
    ) throws(HDF5Error) -> [[UInt8]]? {
        let workers = max(1, min(threads, grid.chunkCount))
        let compressors = (0..<workers).map { _ in BlockCompressor(compression) }
        // Each batch holds about 64 MiB of input, and at least two chunks per worker.
        let batchSize = max(workers * 2, (64 << 20) / max(grid.chunkBytes, 1))
        let scratch = (0..<workers).map { _ in UnsafeMutableRawBufferPointer.allocate(byteCount: grid.chunkBytes * 2, alignment: 64) }
        defer { scratch.forEach { $0.deallocate() } }
        let source = UnsafeRawPointer(array.storage.baseAddress)
        let elementSize = array.dtype.byteSize
        let isRaw = compression == .none

        /// Gathers, shuffles and compresses chunks `first ..< first + count` on the workers.
        func compressBatch(first: Int, count: Int) -> [[UInt8]] {
            let results = UnsafeMutableBufferPointer<[UInt8]>.allocate(capacity: count)
            results.initialize(repeating: [])
            defer {
                _ = results.deinitialize()
                results.deallocate()
            }
            runWorkers(workers) { worker in
                let gathered = scratch[worker].baseAddress!
                let shuffled = gathered + grid.chunkBytes
                for slot in stride(from: worker, to: count, by: workers) {
                    grid.gather(origin: grid.origin(ofChunk: first + slot), from: source, into: gathered)
                    var input = UnsafeRawBufferPointer(start: gathered, count: grid.chunkBytes)
                    if shuffle, elementSize > 1 {
                        shuffleBytes(
                            input, elementSize: elementSize, into: UnsafeMutableRawBufferPointer(start: shuffled, count: grid.chunkBytes))
                        input = UnsafeRawBufferPointer(start: shuffled, count: grid.chunkBytes)
                    }
                    results[slot] = isRaw ? Array(input) : compressors[worker].compress(input)
                }
            }
            return Array(results)
        }

        // Pipeline: the workers compress batch k + 1 while this thread writes batch k under the lock.
        var kept: [[UInt8]]? = keep ? [] : nil
        var pending = compressBatch(first: 0, count: min(batchSize, grid.chunkCount))
        for batchStart in stride(from: 0, to: grid.chunkCount, by: batchSize) {
            let nextStart = batchStart + batchSize
            let upcoming = ResultBox<[[UInt8]]>()
            let group = DispatchGroup()
            if nextStart < grid.chunkCount {
                let compress = UncheckedSendable(value: compressBatch)
                let count = min(batchSize, grid.chunkCount - nextStart)
                DispatchQueue.global().async(group: group) { upcoming.value = compress.value(nextStart, count) }
            }
            defer { group.wait() }
            try writeBatch(pending, first: batchStart, grid: grid, dataset: dataset, datasetPath: datasetPath)
            kept?.append(contentsOf: pending)
            group.wait()
            pending = upcoming.value ?? []
        }
        return kept
    }

    /// Writes compressed chunks `first ..< first + batch.count` in order under the lock.
    private func writeBatch(_ batch: [[UInt8]], first: Int, grid: ChunkGrid, dataset: hid_t, datasetPath: String) throws(HDF5Error) {
        let filePath = path
        try HDF5Library.withLock { () throws(HDF5Error) in
            for (slot, bytes) in batch.enumerated() {
                var offset = grid.origin(ofChunk: first + slot).map { hsize_t($0) }
                guard !bytes.isEmpty else {
                    throw .writeFailed(file: filePath, path: datasetPath, reason: "compressing chunk \(first + slot) failed")
                }
                let status = bytes.withUnsafeBytes { raw in
                    H5Dwrite_chunk(dataset, CHDF5_H5P_DEFAULT(), 0, &offset, raw.count, raw.baseAddress)
                }
                guard status >= 0 else {
                    throw .writeFailed(file: filePath, path: datasetPath, reason: HDF5Library.takeErrorStack("H5Dwrite_chunk failed"))
                }
            }
        }
    }

    // MARK: - Finishing

    /// Closes the file and renames it into place.
    public func commit() throws(HDF5Error) {
        // Only the id is kept here: a local reference to the HDF5Object would keep the file open
        // until this method returns, and HDF5 would write its closing superblock update after
        // the rename, into the file under its final name.
        guard let fileID = file?.id else { return }
        let filePath = path
        let flushError = HDF5Library.withLock { () -> String? in
            H5Fflush(fileID, H5F_SCOPE_GLOBAL) >= 0 ? nil : HDF5Library.takeErrorStack("flush failed")
        }
        file = nil  // releasing the last reference closes the file (H5Fclose) before the rename
        if let flushError {
            output.discard()
            throw .writeFailed(file: filePath, path: "/", reason: flushError)
        }
        do {
            try output.commit()
        } catch {
            throw .writeFailed(file: filePath, path: "/", reason: error.reason)
        }
    }

    deinit {
        file = nil
        output.discard()
    }
}
