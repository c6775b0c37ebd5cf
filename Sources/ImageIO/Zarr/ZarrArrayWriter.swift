import Foundation
import ImJoySchema

/// Writes one Zarr array (metadata and every chunk) into a directory, chunks compressed and
/// written on several threads.
enum ZarrArrayWriter {
    /// Writes `array` as the array at `path` of the store directory `root` (reported as `store`).
    ///
    /// - Parameters:
    ///   - attributes: the array's attributes (v2 `.zattrs`, v3 `attributes`), if any.
    ///   - workers: the number of threads compressing and writing chunks.
    static func write(
        _ array: NDArray, metadata: ZarrArrayMetadata, root: String, path: String, store: String,
        attributes: JSONObject? = nil, workers: Int
    ) throws(ZarrError) {
        guard array.shape == metadata.shape, array.dtype == metadata.dtype else {
            throw ZarrError(
                .invalidArgument, store: store, location: path,
                reason: "array \(array.shape) \(array.dtype) does not match the metadata \(metadata.shape) \(metadata.dtype)")
        }
        let directory = ZarrArray.join(root, path)
        try writeMetadata(metadata, directory: directory, path: path, store: store, attributes: attributes)
        let counts = metadata.chunkCounts
        let chunkCount = counts.reduce(1, *)
        guard array.count > 0, chunkCount > 0 else { return }
        let threads = max(1, min(workers, chunkCount))
        var failures = [ZarrError?](repeating: nil, count: threads)
        array.withUnsafeBytes { raw in
            let source = UncheckedSendable(value: raw.baseAddress!)
            failures.withUnsafeMutableBufferPointer { slots in
                let errors = UncheckedSendable(value: slots)
                runWorkers(threads) { worker in
                    do throws(ZarrError) {
                        try writeChunks(
                            worker: worker, of: threads, source: source.value, metadata: metadata, directory: directory, path: path,
                            store: store)
                    } catch {
                        errors.value[worker] = error
                    }
                }
            }
        }
        if let failure = failures.lazy.compactMap({ $0 }).first { throw failure }
    }

    /// Gathers, compresses and writes chunks `worker`, `worker + workers`, ….
    private static func writeChunks(
        worker: Int, of workers: Int, source: UnsafeRawPointer, metadata: ZarrArrayMetadata,
        directory: String, path: String, store: String
    ) throws(ZarrError) {
        let codec = ZarrChunkCodec(metadata.compressor, typeSize: metadata.dtype.byteSize)
        let buffer = UnsafeMutableRawBufferPointer.allocate(byteCount: max(metadata.chunkByteCount, 1), alignment: 64)
        defer { buffer.deallocate() }
        let counts = metadata.chunkCounts
        let chunkCount = counts.reduce(1, *)
        let fillIsZero = metadata.fillValue.allSatisfy { $0 == 0 }
        var madeDirectories = Set<String>()
        for index in stride(from: worker, to: chunkCount, by: workers) {
            let position = ZarrBoxCopy.gridIndex(index, counts: counts)
            let origin = zip(position, metadata.chunkShape).map { $0 * $1 }
            let extent = (0..<origin.count).map { min(metadata.chunkShape[$0], metadata.shape[$0] - origin[$0]) }
            if extent != metadata.chunkShape {
                // Edge chunk: stored at full size, the part beyond the array holding the fill value.
                fillBuffer(buffer, metadata: metadata, zero: fillIsZero)
            }
            ZarrBoxCopy(extent: extent, elementSize: metadata.dtype.byteSize).copy(
                from: source, shape: metadata.shape, origin: origin,
                to: buffer.baseAddress!, shape: metadata.chunkShape, origin: origin.map { _ in 0 })
            let key = metadata.chunkKey(position)
            let chunkPath = directory + "/" + key
            let parent = (chunkPath as NSString).deletingLastPathComponent
            if parent != directory, madeDirectories.insert(parent).inserted {
                try ZarrFiles.makeDirectories(parent, store: store)
            }
            let input = UnsafeRawBufferPointer(rebasing: buffer[..<metadata.chunkByteCount])
            guard let encoded = codec.encode(input) else {
                throw ZarrError(.io, store: store, location: ZarrArray.join(path, key), reason: "\(metadata.compressor) compression failed")
            }
            try ZarrFiles.write(encoded, to: chunkPath, store: store, location: ZarrArray.join(path, key))
        }
    }

    private static func fillBuffer(_ buffer: UnsafeMutableRawBufferPointer, metadata: ZarrArrayMetadata, zero: Bool) {
        if zero {
            buffer.initializeMemory(as: UInt8.self, repeating: 0)
            return
        }
        let size = metadata.dtype.byteSize
        metadata.fillValue.withUnsafeBytes { pattern in
            for offset in stride(from: 0, to: metadata.chunkByteCount, by: size) {
                (buffer.baseAddress! + offset).copyMemory(from: pattern.baseAddress!, byteCount: size)
            }
        }
    }
}
