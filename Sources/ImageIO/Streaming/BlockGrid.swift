/// A grid of boxes ("blocks") over an array, each a whole number of `unit` boxes (a format's
/// chunks, or single pages), growing from the last axis to the first while a block stays within
/// a byte budget: the order in which streaming writers pull a source.
public struct BlockGrid: Sendable, Equatable {
    /// The array's shape.
    public let shape: [Int]
    /// The extent of one block (the edge blocks may be smaller).
    public let blockShape: [Int]

    /// Blocks of whole `unit`s (one per axis, each ≥ 1) of at most `budget` bytes at
    /// `elementSize` bytes an element — never less than one unit. `cubic` blocks grow the
    /// shortest axis first (for sources that read a halo around each block, which then costs
    /// least); otherwise the last axis grows to its whole extent first (contiguous rows).
    public init(shape: [Int], unit: [Int], elementSize: Int, budget: Int, cubic: Bool = false) {
        self.shape = shape
        var block = zip(unit, shape).map { max(1, min($0, max($1, 1))) }
        if cubic {
            blockShape = Self.cubic(block, shape: shape, unit: unit, elementSize: elementSize, budget: budget)
            return
        }
        // Grow the last axis to the whole extent first (contiguous rows), then the next.
        for axis in stride(from: shape.count - 1, through: 0, by: -1) {
            let others = block.enumerated().reduce(elementSize) { $0 * ($1.offset == axis ? 1 : $1.element) }
            let fit = max(block[axis], budget / max(others, 1))
            let units = max(1, fit / block[axis])
            block[axis] = fit >= shape[axis] ? max(shape[axis], 1) : min(max(shape[axis], 1), units * block[axis])
            if block[axis] < shape[axis] { break }
        }
        blockShape = block
    }

    /// Doubles the shortest growable axis of `block` (in whole units) while the block fits `budget`.
    private static func cubic(_ start: [Int], shape: [Int], unit: [Int], elementSize: Int, budget: Int) -> [Int] {
        var block = start
        while true {
            let growable = block.indices.filter { block[$0] < shape[$0] }
            guard let axis = growable.min(by: { block[$0] < block[$1] }) else { return block }
            var grown = block
            grown[axis] = min(shape[axis], block[axis] * 2)
            guard grown.reduce(elementSize, *) <= budget else { return block }
            block = grown
        }
    }

    /// `unit` grown on each axis to the smallest multiple of it that holds a whole chunk of the
    /// source (`chunk`, clamped to `shape`) when that stays within `budget` bytes: a block of such
    /// units decodes each source chunk once instead of once per block that touches it.
    public static func unit(_ unit: [Int], covering chunk: [Int]?, shape: [Int], elementSize: Int, budget: Int) -> [Int] {
        guard let chunk, chunk.count == unit.count else { return unit }
        let grown = unit.indices.map { axis in
            let step = max(unit[axis], 1)
            let wanted = min(max(chunk[axis], 1), max(shape[axis], 1))
            return (wanted + step - 1) / step * step
        }
        return grown.reduce(elementSize, *) <= budget ? grown : unit
    }

    /// Blocks per axis.
    public var counts: [Int] { zip(shape, blockShape).map { ($0 + $1 - 1) / $1 } }

    /// The number of blocks (0 for an empty array).
    public var count: Int { shape.contains(0) ? 0 : counts.reduce(1, *) }

    /// The origin and extent of block `index` (C order).
    public func block(_ index: Int) -> (origin: [Int], shape: [Int]) {
        let position = ZarrBoxCopy.gridIndex(index, counts: counts)
        let origin = zip(position, blockShape).map { $0 * $1 }
        return (origin, origin.indices.map { min(blockShape[$0], shape[$0] - origin[$0]) })
    }
}
