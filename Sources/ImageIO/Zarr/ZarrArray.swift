import Foundation

/// One array of a Zarr store (v2 or v3), local or remote (``ZarrStore``), read lazily: opening reads only
/// the metadata, and ``read(origin:shape:limit:)`` reads only the chunks covering the region — of a
/// sharded array, the touched shards' indices and the inner chunks the region overlaps, by byte range.
///
/// ```swift
/// let array = try ZarrArray(store: storeURL, path: "0")
/// let tile = try array.read(origin: [0, 512, 512], shape: [1, 256, 256])
/// ```
public struct ZarrArray: Sendable {
    /// The store's root (a file URL on disk, or the remote store's URL).
    public let store: URL
    /// Where keys are read from.
    public let storage: any ZarrStore
    /// The array's path inside the store (`""` for an array at the root).
    public let path: String
    /// The array's metadata.
    public let metadata: ZarrArrayMetadata

    /// Opens the array at `path` in the local store `store`, reading `.zarray` (v2) or `zarr.json` (v3).
    ///
    /// - Throws: ``ZarrError`` when there is no array there or its metadata is malformed.
    public init(store: URL, path: String = "") throws(ZarrError) {
        try self.init(storage: LocalZarrStore(root: store.path), path: path)
    }

    /// Opens the array at `path` in `storage` (local or remote, ``ZarrStore``).
    public init(storage: any ZarrStore, path: String = "") throws(ZarrError) {
        self.storage = storage
        self.store = storage.url
        self.path = path
        let storeName = storage.location
        if let v3 = try storage.readJSON(Self.join(path, "zarr.json")) {
            let format = v3.member("zarr_format")
            guard try format.int() == 3 else { throw format.error("zarr_format must be 3 in zarr.json") }
            let nodeType = v3.member("node_type")
            guard try nodeType.string() == "array" else { throw nodeType.error("not an array node") }
            metadata = try ZarrArrayMetadata.parseV3(v3)
        } else if let v2 = try storage.readJSON(Self.join(path, ".zarray")) {
            metadata = try ZarrArrayMetadata.parseV2(v2)
        } else {
            throw ZarrError(
                .invalidMetadata, store: storeName, location: path.isEmpty ? nil : path,
                reason: "no Zarr array here (no zarr.json or .zarray)")
        }
    }

    /// The whole array.
    public func read(limit: Int = NDArray.maximumByteCount) throws(ZarrError) -> NDArray {
        try read(origin: metadata.shape.map { _ in 0 }, shape: metadata.shape, limit: limit)
    }

    /// The box of `shape` elements at `origin`, reading only the chunks it touches (in parallel).
    ///
    /// - Throws: ``ZarrError`` for a region outside the array, a region over `limit` bytes, or a
    ///   chunk that cannot be read or decoded.
    public func read(origin: [Int], shape: [Int], limit: Int = NDArray.maximumByteCount) throws(ZarrError) -> NDArray {
        let rank = metadata.shape.count
        guard origin.count == rank, shape.count == rank,
            (0..<rank).allSatisfy({ origin[$0] >= 0 && shape[$0] >= 0 && origin[$0] <= metadata.shape[$0] - shape[$0] })
        else {
            throw ZarrError(
                .invalidArgument, store: storage.location, location: path,
                reason: "region at \(origin) of \(shape) is outside the array's shape \(metadata.shape)")
        }
        var output: NDArray
        do {
            output = try NDArray(zeros: shape, dtype: metadata.dtype, limit: limit)
        } catch {
            throw ZarrError(.tooLarge, store: storage.location, location: path, reason: "region of \(shape) \(metadata.dtype): \(error)")
        }
        guard output.count > 0 else { return output }
        if let sharding = metadata.sharding {
            try readSharded(sharding, origin: origin, shape: shape, into: &output)
            return output
        }
        let chunks = chunksCovering(origin: origin, shape: shape)
        let workers = min(chunks.counts.reduce(1, *), storage.parallelism)
        var failures = [ZarrError?](repeating: nil, count: workers)
        output.withUnsafeMutableBytes { raw in
            let base = UncheckedSendable(value: raw.baseAddress!)
            failures.withUnsafeMutableBufferPointer { slots in
                let errors = UncheckedSendable(value: slots)
                runWorkers(workers) { worker in
                    do throws(ZarrError) {
                        try readChunks(chunks, worker: worker, of: workers, origin: origin, shape: shape, into: base.value)
                    } catch {
                        errors.value[worker] = error
                    }
                }
            }
        }
        if let failure = failures.lazy.compactMap({ $0 }).first { throw failure }
        return output
    }

    /// The chunks (of `chunkShape`, default the grid's) that overlap the region: the first one's
    /// grid position and how many per dimension.
    func chunksCovering(origin: [Int], shape: [Int], chunkShape: [Int]? = nil) -> (first: [Int], counts: [Int]) {
        let chunkShape = chunkShape ?? metadata.chunkShape
        let first = zip(origin, chunkShape).map { $0 / $1 }
        let last = (0..<origin.count).map { (origin[$0] + shape[$0] - 1) / chunkShape[$0] }
        return (first, zip(first, last).map { $1 - $0 + 1 })
    }

    /// Reads chunks `worker`, `worker + workers`, … of `chunks` into the region buffer.
    private func readChunks(
        _ chunks: (first: [Int], counts: [Int]), worker: Int, of workers: Int, origin: [Int], shape: [Int],
        into output: UnsafeMutableRawPointer
    ) throws(ZarrError) {
        let codec = ZarrChunkCodec(metadata)
        let buffer = UnsafeMutableRawBufferPointer.allocate(byteCount: max(metadata.chunkByteCount, 1), alignment: 64)
        defer { buffer.deallocate() }
        for index in stride(from: worker, to: chunks.counts.reduce(1, *), by: workers) {
            let position = zip(ZarrBoxCopy.gridIndex(index, counts: chunks.counts), chunks.first).map { $0 + $1 }
            try loadChunk(position, codec: codec, into: buffer)
            copyOverlap(of: buffer, at: position, chunkShape: metadata.chunkShape, origin: origin, shape: shape, into: output)
        }
    }

    /// Copies the overlap of the decoded chunk `buffer` (grid position `position` of chunks of
    /// `chunkShape`) and the region at `origin` of `shape` into the region buffer.
    func copyOverlap(
        of buffer: UnsafeMutableRawBufferPointer, at position: [Int], chunkShape: [Int], origin: [Int], shape: [Int],
        into output: UnsafeMutableRawPointer
    ) {
        let chunkOrigin = zip(position, chunkShape).map { $0 * $1 }
        let low = zip(chunkOrigin, origin).map { max($0, $1) }
        let high = (0..<shape.count).map { min(chunkOrigin[$0] + chunkShape[$0], origin[$0] + shape[$0]) }
        ZarrBoxCopy(extent: zip(high, low).map { $0 - $1 }, elementSize: metadata.dtype.byteSize).copy(
            from: buffer.baseAddress!, shape: chunkShape, origin: zip(low, chunkOrigin).map { $0 - $1 },
            to: output, shape: shape, origin: zip(low, origin).map { $0 - $1 })
    }

    /// Decodes the chunk at grid `position` into `buffer` (the fill value when it is not stored).
    func loadChunk(_ position: [Int], codec: ZarrChunkCodec, into buffer: UnsafeMutableRawBufferPointer) throws(ZarrError) {
        let key = Self.join(path, metadata.chunkKey(position))
        let chunkBytes = metadata.chunkByteCount
        let limit = chunkBytes + chunkBytes / 8 + (1 << 16)
        guard let encoded = try storage.read(key, limit: limit) else {
            fill(buffer, byteCount: chunkBytes)
            return
        }
        try decode(encoded[...], codec: codec, into: buffer, byteCount: chunkBytes, key: key)
    }

    /// Decodes one encoded chunk into the first `byteCount` bytes of `buffer` (native order).
    func decode(
        _ encoded: ArraySlice<UInt8>, codec: ZarrChunkCodec, into buffer: UnsafeMutableRawBufferPointer, byteCount: Int, key: String,
        context: String = ""
    ) throws(ZarrError) {
        let target = UnsafeMutableRawBufferPointer(rebasing: buffer[..<byteCount])
        if let reason = encoded.withUnsafeBytes({ codec.decode($0, into: target) }) {
            throw ZarrError(.corruptChunk, store: storage.location, location: key, reason: context + reason)
        }
        if metadata.bigEndian { Self.swapBytes(target, elementSize: metadata.dtype.byteSize) }
    }

    /// Fills the first `byteCount` bytes of `buffer` with the fill value.
    func fill(_ buffer: UnsafeMutableRawBufferPointer, byteCount: Int) {
        let size = metadata.dtype.byteSize
        if metadata.fillValue.allSatisfy({ $0 == 0 }) {
            UnsafeMutableRawBufferPointer(rebasing: buffer[..<byteCount]).initializeMemory(as: UInt8.self, repeating: 0)
            return
        }
        metadata.fillValue.withUnsafeBytes { pattern in
            for offset in stride(from: 0, to: byteCount, by: size) {
                (buffer.baseAddress! + offset).copyMemory(from: pattern.baseAddress!, byteCount: size)
            }
        }
    }

    /// Reverses the bytes of every element in place.
    static func swapBytes(_ buffer: UnsafeMutableRawBufferPointer, elementSize: Int) {
        guard elementSize > 1 else { return }
        let bytes = buffer.bindMemory(to: UInt8.self)
        for start in stride(from: 0, to: bytes.count - elementSize + 1, by: elementSize) {
            var low = start
            var high = start + elementSize - 1
            while low < high {
                bytes.swapAt(low, high)
                low += 1
                high -= 1
            }
        }
    }

    /// `a/b`, or the non-empty one.
    static func join(_ a: String, _ b: String) -> String {
        if a.isEmpty { return b }
        if b.isEmpty { return a }
        return a + "/" + b
    }
}
