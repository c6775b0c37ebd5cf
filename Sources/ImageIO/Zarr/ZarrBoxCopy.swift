/// Copies an n-d box of elements between two C-order buffers of different shapes, one contiguous
/// row (last dimension) at a time: chunk ← array when writing, array ← chunk when reading.
struct ZarrBoxCopy {
    /// The box's extent per dimension.
    let extent: [Int]
    let elementSize: Int

    /// Copies the box at `sourceOrigin` in `source` (of `sourceShape`) to `destinationOrigin` in
    /// `destination` (of `destinationShape`).
    func copy(
        from source: UnsafeRawPointer, shape sourceShape: [Int], origin sourceOrigin: [Int],
        to destination: UnsafeMutableRawPointer, shape destinationShape: [Int], origin destinationOrigin: [Int]
    ) {
        let rank = extent.count
        guard rank > 0 else {
            destination.copyMemory(from: source, byteCount: elementSize)
            return
        }
        guard extent.allSatisfy({ $0 > 0 }) else { return }
        let sourceStrides = Self.strides(sourceShape)
        let destinationStrides = Self.strides(destinationShape)
        let rowBytes = extent[rank - 1] * elementSize
        var index = [Int](repeating: 0, count: rank)
        while true {
            var sourceOffset = 0
            var destinationOffset = 0
            for dim in 0..<rank {
                sourceOffset += (sourceOrigin[dim] + index[dim]) * sourceStrides[dim]
                destinationOffset += (destinationOrigin[dim] + index[dim]) * destinationStrides[dim]
            }
            (destination + destinationOffset * elementSize).copyMemory(from: source + sourceOffset * elementSize, byteCount: rowBytes)
            var dim = rank - 2
            while dim >= 0 {
                index[dim] += 1
                if index[dim] < extent[dim] { break }
                index[dim] = 0
                dim -= 1
            }
            if dim < 0 { return }
        }
    }

    /// C-order strides in elements.
    static func strides(_ shape: [Int]) -> [Int] {
        var strides = [Int](repeating: 1, count: shape.count)
        for dim in stride(from: shape.count - 2, through: 0, by: -1) { strides[dim] = strides[dim + 1] * shape[dim + 1] }
        return strides
    }

    /// The grid position of chunk number `index` (C order over `counts`).
    static func gridIndex(_ index: Int, counts: [Int]) -> [Int] {
        var remainder = index
        var position = [Int](repeating: 0, count: counts.count)
        for dim in stride(from: counts.count - 1, through: 0, by: -1) {
            position[dim] = remainder % counts[dim]
            remainder /= counts[dim]
        }
        return position
    }
}
