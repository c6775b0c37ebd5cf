import CHDF5
import Foundation

extension HDF5Writer {
    /// Writes the array `source` provides as the dataset at `datasetPath`, a slab along the first
    /// axis at a time (at most about `blockBytes`, at least one chunk row or one index): contiguous
    /// slabs go through hyperslab writes, chunked ones are compressed in parallel and written with
    /// `H5Dwrite_chunk`, as ``writeDataset(_:_:layout:chunks:)`` writes them.
    public func writeDataset(_ datasetPath: String, source: any ArraySource, layout: HDF5Layout, blockBytes: Int) throws {
        let shape = source.shape
        let dtype = source.dtype
        let settings = try ChunkSettings(layout: layout, shape: shape, dtype: dtype, file: path, datasetPath: datasetPath)
        let dataset = try createDataset(datasetPath, shape: shape, dtype: dtype, settings: settings, contiguousData: nil)
        guard !shape.isEmpty, !shape.contains(0) else {
            if shape.isEmpty { try writeSlab(source.read(origin: [], shape: []), at: [], dataset: dataset.id, datasetPath: datasetPath) }
            return
        }
        let plane = shape.dropFirst().reduce(dtype.byteSize, *)
        let rows = BlockGrid.unit(
            [settings?.chunkShape[0] ?? 1], covering: source.chunkShape.map { [$0[0]] }, shape: [shape[0]], elementSize: plane,
            budget: blockBytes)
        let unit = rows + shape.dropFirst()
        let grid = BlockGrid(shape: shape, unit: unit, elementSize: dtype.byteSize, budget: blockBytes)
        for index in 0..<grid.count {
            let (origin, extent) = grid.block(index)
            let slab: NDArray
            do {
                slab = try source.read(origin: origin, shape: extent)
            } catch let error as HDF5Error {
                throw error
            } catch {
                throw HDF5Error.writeFailed(file: path, path: datasetPath, reason: "reading the slab at \(origin) of \(extent): \(error)")
            }
            guard slab.shape == extent, slab.dtype == dtype else {
                throw HDF5Error.writeFailed(
                    file: path, path: datasetPath, reason: "the source gave \(slab.shape) \(slab.dtype) for \(extent) \(dtype)")
            }
            if let settings {
                try writeChunkedSlab(slab, at: origin, settings: settings, dataset: dataset.id, datasetPath: datasetPath)
            } else {
                try writeSlab(slab, at: origin, dataset: dataset.id, datasetPath: datasetPath)
            }
        }
    }

    /// Writes `slab` into the hyperslab at `origin` of a contiguous dataset.
    private func writeSlab(_ slab: NDArray, at origin: [Int], dataset: hid_t, datasetPath: String) throws(HDF5Error) {
        let filePath = path
        try HDF5Library.withLock { () throws(HDF5Error) in
            let memory = HDF5DataType.memoryType(slab.dtype)
            let fileSpace = H5Dget_space(dataset)
            var start = origin.map { hsize_t($0) }
            var count = slab.shape.map { hsize_t($0) }
            let memorySpace = slab.shape.isEmpty ? H5Screate(H5S_SCALAR) : H5Screate_simple(Int32(count.count), &count, nil)
            defer {
                H5Tclose(memory)
                if fileSpace >= 0 { H5Sclose(fileSpace) }
                if memorySpace >= 0 { H5Sclose(memorySpace) }
            }
            guard fileSpace >= 0, memorySpace >= 0,
                slab.shape.isEmpty || H5Sselect_hyperslab(fileSpace, H5S_SELECT_SET, &start, nil, &count, nil) >= 0,
                H5Dwrite(dataset, memory, memorySpace, fileSpace, CHDF5_H5P_DEFAULT(), slab.storage.baseAddress) >= 0
            else {
                throw .writeFailed(file: filePath, path: datasetPath, reason: HDF5Library.takeErrorStack("H5Dwrite of a slab failed"))
            }
        }
    }

    /// Compresses the chunks of `slab` (whole chunk rows, every other axis whole) in parallel and
    /// writes them in order at their place in the dataset.
    private func writeChunkedSlab(
        _ slab: NDArray, at origin: [Int], settings: ChunkSettings, dataset: hid_t, datasetPath: String
    ) throws(HDF5Error) {
        let grid = ChunkGrid(shape: slab.shape, chunkShape: settings.chunkShape, elementSize: slab.dtype.byteSize)
        let workers = max(1, min(threads, grid.chunkCount))
        let compressors = (0..<workers).map { _ in BlockCompressor(settings.compression) }
        let results = UnsafeMutableBufferPointer<[UInt8]>.allocate(capacity: grid.chunkCount)
        results.initialize(repeating: [])
        defer {
            _ = results.deinitialize()
            results.deallocate()
        }
        let source = UncheckedSendable(value: UnsafeRawPointer(slab.storage.baseAddress))
        let slots = UncheckedSendable(value: results)
        let (elementSize, shuffle, isRaw) = (slab.dtype.byteSize, settings.shuffle, settings.compression == .none)
        runWorkers(workers) { worker in
            let scratch = UnsafeMutableRawBufferPointer.allocate(byteCount: grid.chunkBytes * 2, alignment: 64)
            defer { scratch.deallocate() }
            let gathered = scratch.baseAddress!
            for index in stride(from: worker, to: grid.chunkCount, by: workers) {
                grid.gather(origin: grid.origin(ofChunk: index), from: source.value, into: gathered)
                var input = UnsafeRawBufferPointer(start: gathered, count: grid.chunkBytes)
                if shuffle, elementSize > 1 {
                    let shuffled = UnsafeMutableRawBufferPointer(start: gathered + grid.chunkBytes, count: grid.chunkBytes)
                    shuffleBytes(input, elementSize: elementSize, into: shuffled)
                    input = UnsafeRawBufferPointer(shuffled)
                }
                slots.value[index] = isRaw ? Array(input) : compressors[worker].compress(input)
            }
        }
        let filePath = path
        try HDF5Library.withLock { () throws(HDF5Error) in
            for index in 0..<grid.chunkCount {
                var offset = zip(grid.origin(ofChunk: index), origin).map { hsize_t($0 + $1) }
                let bytes = results[index]
                guard !bytes.isEmpty else { throw .writeFailed(file: filePath, path: datasetPath, reason: "compressing a chunk failed") }
                let status = bytes.withUnsafeBytes { H5Dwrite_chunk(dataset, CHDF5_H5P_DEFAULT(), 0, &offset, $0.count, $0.baseAddress) }
                guard status >= 0 else {
                    throw .writeFailed(file: filePath, path: datasetPath, reason: HDF5Library.takeErrorStack("H5Dwrite_chunk failed"))
                }
            }
        }
    }
}
