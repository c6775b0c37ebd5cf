import Foundation
import ImJoySchema

extension ZarrArrayWriter {
    /// Writes the array `source` provides as the array at `path` of the store directory `root`,
    /// a block of whole chunks at a time (at most `blockBytes` decoded, at least one chunk): each
    /// block is read from the source, then its chunks are compressed and written by `workers`
    /// threads before the next block is read, so memory stays bounded by one block.
    static func write(
        source: any ArraySource, metadata: ZarrArrayMetadata, root: String, path: String, store: String,
        workers: Int, blockBytes: Int
    ) throws(ZarrError) {
        guard source.shape == metadata.shape, source.dtype == metadata.dtype else {
            throw ZarrError(
                .invalidArgument, store: store, location: path,
                reason: "source \(source.shape) \(source.dtype) does not match the metadata \(metadata.shape) \(metadata.dtype)")
        }
        let directory = ZarrArray.join(root, path)
        try writeMetadata(metadata, directory: directory, path: path, store: store, attributes: nil)
        let unit = BlockGrid.unit(
            metadata.chunkShape, covering: source.chunkShape, shape: metadata.shape, elementSize: metadata.dtype.byteSize,
            budget: blockBytes)
        let grid = BlockGrid(
            shape: metadata.shape, unit: unit, elementSize: metadata.dtype.byteSize, budget: blockBytes, cubic: source.prefersCubicBlocks)
        for index in 0..<grid.count {
            let (origin, extent) = grid.block(index)
            let block: NDArray
            do {
                block = try source.read(origin: origin, shape: extent)
            } catch let error as ZarrError {
                throw error
            } catch {
                throw ZarrError(.io, store: store, location: path, reason: "reading the block at \(origin) of \(extent): \(error)")
            }
            guard block.shape == extent, block.dtype == metadata.dtype else {
                throw ZarrError(
                    .invalidArgument, store: store, location: path,
                    reason: "the source gave \(block.shape) \(block.dtype) for the block at \(origin) of \(extent)")
            }
            try writeBlock(block, origin: origin, metadata: metadata, directory: directory, path: path, store: store, workers: workers)
        }
    }

    /// Writes `.zarray` (+ `.zattrs`) or `zarr.json` into `directory`, after refusing what is only
    /// read (``ZarrArrayMetadata/writeRefusal``: gzip, zlib, sharding, crc32c, big-endian).
    static func writeMetadata(
        _ metadata: ZarrArrayMetadata, directory: String, path: String, store: String, attributes: JSONObject?
    ) throws(ZarrError) {
        if let refusal = metadata.writeRefusal { throw ZarrError(.unsupported, store: store, location: path, reason: refusal) }
        try ZarrFiles.makeDirectories(directory, store: store)
        switch metadata.format {
        case .v2:
            try ZarrFiles.writeJSON(metadata.v2JSON(), to: directory + "/.zarray", store: store, location: ZarrArray.join(path, ".zarray"))
            if let attributes {
                try ZarrFiles.writeJSON(
                    .object(attributes), to: directory + "/.zattrs", store: store, location: ZarrArray.join(path, ".zattrs"))
            }
        case .v3:
            try ZarrFiles.writeJSON(
                metadata.v3JSON(attributes: attributes ?? [:]), to: directory + "/zarr.json", store: store,
                location: ZarrArray.join(path, "zarr.json"))
        }
    }

    /// Compresses and writes the chunks inside `block` (at `origin`, a multiple of the chunk shape).
    private static func writeBlock(
        _ block: NDArray, origin blockOrigin: [Int], metadata: ZarrArrayMetadata, directory: String, path: String, store: String,
        workers: Int
    ) throws(ZarrError) {
        let first = zip(blockOrigin, metadata.chunkShape).map { $0 / $1 }
        let counts = (0..<block.rank).map { (block.shape[$0] + metadata.chunkShape[$0] - 1) / metadata.chunkShape[$0] }
        let chunkCount = counts.reduce(1, *)
        guard chunkCount > 0, block.count > 0 else { return }
        let threads = max(1, min(workers, chunkCount))
        var failures = [ZarrError?](repeating: nil, count: threads)
        block.withUnsafeBytes { raw in
            let source = UncheckedSendable(value: raw.baseAddress!)
            failures.withUnsafeMutableBufferPointer { slots in
                let errors = UncheckedSendable(value: slots)
                runWorkers(threads) { worker in
                    let codec = ZarrChunkCodec(metadata.compressor, typeSize: metadata.dtype.byteSize)
                    let buffer = UnsafeMutableRawBufferPointer.allocate(byteCount: max(metadata.chunkByteCount, 1), alignment: 64)
                    defer { buffer.deallocate() }
                    // Each worker creates the chunk folders it writes into (mkdir -p; another
                    // worker's folder may not be complete yet when this one needs it).
                    var made = Set<String>()
                    do throws(ZarrError) {
                        for local in stride(from: worker, to: chunkCount, by: threads) {
                            let position = zip(ZarrBoxCopy.gridIndex(local, counts: counts), first).map { $0 + $1 }
                            try writeChunk(
                                position, from: source.value, block: block.shape, blockOrigin: blockOrigin, buffer: buffer, codec: codec,
                                metadata: metadata, directory: directory, path: path, store: store, made: &made)
                        }
                    } catch {
                        errors.value[worker] = error
                    }
                }
            }
        }
        if let failure = failures.lazy.compactMap({ $0 }).first { throw failure }
    }

    /// Gathers the chunk at grid `position` from the block (padding an edge chunk with the fill
    /// value), compresses it and writes it.
    private static func writeChunk(
        _ position: [Int], from source: UnsafeRawPointer, block: [Int], blockOrigin: [Int], buffer: UnsafeMutableRawBufferPointer,
        codec: ZarrChunkCodec, metadata: ZarrArrayMetadata, directory: String, path: String, store: String, made: inout Set<String>
    ) throws(ZarrError) {
        let origin = zip(position, metadata.chunkShape).map { $0 * $1 }
        let extent = (0..<origin.count).map { min(metadata.chunkShape[$0], metadata.shape[$0] - origin[$0]) }
        if extent != metadata.chunkShape { fillChunk(buffer, metadata: metadata) }
        ZarrBoxCopy(extent: extent, elementSize: metadata.dtype.byteSize).copy(
            from: source, shape: block, origin: zip(origin, blockOrigin).map { $0 - $1 },
            to: buffer.baseAddress!, shape: metadata.chunkShape, origin: origin.map { _ in 0 })
        let key = metadata.chunkKey(position)
        let chunkPath = directory + "/" + key
        let parent = (chunkPath as NSString).deletingLastPathComponent
        if parent != directory, made.insert(parent).inserted { try ZarrFiles.makeDirectories(parent, store: store) }
        guard let encoded = codec.encode(UnsafeRawBufferPointer(rebasing: buffer[..<metadata.chunkByteCount])) else {
            throw ZarrError(.io, store: store, location: ZarrArray.join(path, key), reason: "\(metadata.compressor) compression failed")
        }
        try ZarrFiles.write(encoded, to: chunkPath, store: store, location: ZarrArray.join(path, key))
    }

    /// Fills a chunk buffer with the fill value.
    private static func fillChunk(_ buffer: UnsafeMutableRawBufferPointer, metadata: ZarrArrayMetadata) {
        let size = metadata.dtype.byteSize
        metadata.fillValue.withUnsafeBytes { pattern in
            for offset in stride(from: 0, to: metadata.chunkByteCount, by: size) {
                (buffer.baseAddress! + offset).copyMemory(from: pattern.baseAddress!, byteCount: size)
            }
        }
    }
}
