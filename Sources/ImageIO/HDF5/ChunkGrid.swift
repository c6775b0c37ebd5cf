/// The chunks of an n-d array: their origins in C order, and gathering one chunk into a
/// zero-padded contiguous buffer (HDF5 stores edge chunks at full size).
struct ChunkGrid {
    let shape: [Int]
    let chunkShape: [Int]
    let elementSize: Int

    /// Chunks per dimension.
    var counts: [Int] { zip(shape, chunkShape).map { $0 / $1 + ($0 % $1 == 0 ? 0 : 1) } }
    /// The number of chunks.
    var chunkCount: Int { counts.reduce(1, *) }
    /// Bytes in one (full-size) chunk.
    var chunkBytes: Int { chunkShape.reduce(elementSize, *) }

    /// The element coordinates of chunk `index` (C order over the chunk grid).
    func origin(ofChunk index: Int) -> [Int] {
        var remainder = index
        var origin = [Int](repeating: 0, count: shape.count)
        for dim in stride(from: shape.count - 1, through: 0, by: -1) {
            origin[dim] = (remainder % counts[dim]) * chunkShape[dim]
            remainder /= counts[dim]
        }
        return origin
    }

    /// Copies the chunk at `origin` from `source` (the whole array) into `destination`
    /// (``chunkBytes`` long), zero-filling beyond the array's edge.
    func gather(origin: [Int], from source: UnsafeRawPointer, into destination: UnsafeMutableRawPointer) {
        let rank = shape.count
        guard rank > 0 else {
            destination.copyMemory(from: source, byteCount: elementSize)
            return
        }
        let extents = (0..<rank).map { min(chunkShape[$0], shape[$0] - origin[$0]) }
        let isPartial = extents != chunkShape
        if isPartial { destination.initializeMemory(as: UInt8.self, repeating: 0, count: chunkBytes) }
        // Strides in elements of the array and of the chunk.
        var arrayStrides = [Int](repeating: 1, count: rank)
        var chunkStrides = [Int](repeating: 1, count: rank)
        for dim in stride(from: rank - 2, through: 0, by: -1) {
            arrayStrides[dim] = arrayStrides[dim + 1] * shape[dim + 1]
            chunkStrides[dim] = chunkStrides[dim + 1] * chunkShape[dim + 1]
        }
        let rowBytes = extents[rank - 1] * elementSize
        guard rowBytes > 0, extents.allSatisfy({ $0 > 0 }) else { return }
        // Iterate over every row (all dimensions but the last) inside the chunk.
        var index = [Int](repeating: 0, count: rank - 1)
        while true {
            var sourceOffset = origin[rank - 1]
            var destinationOffset = 0
            for dim in 0..<(rank - 1) {
                sourceOffset += (origin[dim] + index[dim]) * arrayStrides[dim]
                destinationOffset += index[dim] * chunkStrides[dim]
            }
            (destination + destinationOffset * elementSize).copyMemory(from: source + sourceOffset * elementSize, byteCount: rowBytes)
            var dim = rank - 2
            while dim >= 0 {
                index[dim] += 1
                if index[dim] < extents[dim] { break }
                index[dim] = 0
                dim -= 1
            }
            if dim < 0 { return }
        }
    }
}
