import ImageIO

/// The statistics passes of the ops that need a value of the whole array before they can run
/// point-wise (`threshold` with `otsu` or `mean`, `normalize`, `convert-dtype` with `rescale`), and
/// of `stats`, which returns the values themselves: each pass reads the lazy array
/// block by block (``LazyArray/forEachRun(blockBytes:_:)``) and gives exactly the value the
/// in-memory kernel computes from the whole array, which a point-wise transform then applies.
extension LazyArray {
    /// Calls `body` with the array's elements in C order, a block at a time: each block a
    /// contiguous run of the flattened array of at most `blockBytes` bytes (at least one element),
    /// computed within the block budget by ``read(origin:shape:)``.
    func forEachRun(blockBytes: Int, _ body: (NDArray) throws -> Void) throws {
        // Unit blocks grow from the last axis, whole axes first: [1, …, 1, k, whole, …, whole].
        let grid = BlockGrid(shape: shape, unit: shape.map { _ in 1 }, elementSize: dtype.byteSize, budget: blockBytes)
        for index in 0..<grid.count {
            let block = grid.block(index)
            try body(read(origin: block.origin, shape: block.shape))
        }
    }

    /// Calls `piece` with the array's elements in C order cut at the ends of `chunks` (consecutive
    /// ranges covering the flattened array) as well as at the blocks' ends
    /// (``forEachRun(blockBytes:_:)``), and `chunkEnd` after the last piece of each chunk: a
    /// chunk's elements come in order, in one piece or several.
    func forEachChunkPiece<T: KernelElement>(
        _: T.Type, chunks: [Range<Int>], blockBytes: Int, _ piece: (UnsafeBufferPointer<T>, Range<Int>) -> Void,
        chunkEnd: () -> Void
    ) throws {
        var (chunk, position) = (0, 0)
        try forEachRun(blockBytes: blockBytes) { block in
            let values = block.kernelElements(T.self)
            var start = 0
            while start < values.count, chunk < chunks.count {
                let end = min(values.count, start + chunks[chunk].upperBound - position)
                piece(values, start..<end)
                position += end - start
                start = end
                if position == chunks[chunk].upperBound {
                    chunkEnd()
                    chunk += 1
                }
            }
        }
    }
}

extension StatsKernel {
    /// min, max and mean of `lazy` as ``compute(_:)`` gives them for the whole array (std, which
    /// only `stats` needs, is NaN: ``compute(_:blockBytes:)``): the elements in C order through the
    /// same ``ChunkStats`` as the in-memory chunks (``sumChunk``), each started at its first
    /// element, the chunks combined in order — the same comparisons and additions in the same
    /// order, so the values are bit-identical.
    static func summary(_ lazy: LazyArray, blockBytes: Int) throws -> ArrayStats {
        try withElementType(lazy.dtype) { type in
            func run<T: KernelElement>(_: T.Type) throws -> ArrayStats { try summary(lazy, T.self, blockBytes: blockBytes) }
            return try run(type)
        }
    }

    /// min, max, mean and std of `lazy`, equal to ``compute(_:)`` of the whole array (the `stats`
    /// op): ``summary(_:blockBytes:)``, then a second pass adding the squared deviations from the
    /// mean chunk by chunk (the in-memory chunks, ``addSquaredDeviations(_:_:from:to:)``) and the
    /// chunk sums in order, as in memory. No second pass when a value is NaN (every statistic NaN).
    static func compute(_ lazy: LazyArray, blockBytes: Int) throws -> ArrayStats {
        try withElementType(lazy.dtype) { type in
            func run<T: KernelElement>(_: T.Type) throws -> ArrayStats {
                var stats = try summary(lazy, T.self, blockBytes: blockBytes)
                guard stats.count > 0, !stats.min.isNaN else { return stats }
                let mean = stats.mean
                var (chunkTotal, total) = (0.0, 0.0)
                try lazy.forEachChunkPiece(T.self, chunks: chunkRanges(stats.count, minimumChunk: sumChunk), blockBytes: blockBytes) {
                    addSquaredDeviations($0, $1, from: mean, to: &chunkTotal)
                } chunkEnd: {
                    (chunkTotal, total) = (0, total + chunkTotal)
                }
                stats.std = (total / Double(stats.count)).squareRoot()
                return stats
            }
            return try run(type)
        }
    }

    /// ``summary(_:blockBytes:)`` with the element type known.
    private static func summary<T: KernelElement>(_ lazy: LazyArray, _: T.Type, blockBytes: Int) throws -> ArrayStats {
        let n = lazy.shape.reduce(1, *)
        guard n > 0 else { return ArrayStats(min: .nan, max: .nan, mean: .nan, std: .nan, count: 0) }
        // The chunk being summed (begun in an earlier block), the chunks before it combined.
        var part: ChunkStats<T>?
        var (extremes, nan, total) = ((low: T, high: T)?.none, false, 0.0)
        try lazy.forEachChunkPiece(T.self, chunks: chunkRanges(n, minimumChunk: sumChunk), blockBytes: blockBytes) { values, range in
            var current = part ?? ChunkStats(first: values[range.lowerBound])
            current.add(values, range)
            part = current
        } chunkEnd: {
            // The chunk is complete: combined as the in-memory chunks are.
            let current = part!
            part = nil
            nan = nan || current.nan
            var (low, high) = extremes ?? (current.low, current.high)
            if current.low < low { low = current.low }
            if current.high > high { high = current.high }
            (extremes, total) = ((low, high), total + current.sum)
        }
        guard let (low, high) = extremes, !nan else { return ArrayStats(min: .nan, max: .nan, mean: .nan, std: .nan, count: n) }
        var stats = ArrayStats(min: low.doubleValue, max: high.doubleValue, mean: total / Double(n), std: .nan, count: n)
        if !T.dtype.isFloatingPoint {
            stats.integerMin = low.scalar
            stats.integerMax = high.scalar
        }
        return stats
    }
}

extension ThresholdKernel {
    /// The threshold of a lazy array by `method`, equal to ``threshold(_:method:value:)`` of the
    /// whole array: `mean` from one pass (``StatsKernel/summary(_:blockBytes:)``), `otsu` from that
    /// pass and a second one summing the blocks' histograms over the array's [min, max].
    static func threshold(_ lazy: LazyArray, method: ThresholdMethod, value: Double, blockBytes: Int) throws -> Double {
        switch method {
        case .value:
            return value
        case .mean:
            let stats = try StatsKernel.summary(lazy, blockBytes: blockBytes)
            guard stats.count > 0 else { throw KernelError("the mean of an empty array is undefined") }
            return stats.mean
        case .otsu:
            return try otsu(stats: StatsKernel.summary(lazy, blockBytes: blockBytes)) { low, high in
                var counts = [Int](repeating: 0, count: otsuBins)
                try lazy.forEachRun(blockBytes: blockBytes) { block in
                    for (bin, count) in histogram(block, bins: otsuBins, low: low, high: high).enumerated() { counts[bin] += count }
                }
                return counts
            }
        }
    }
}

extension NormalizeKernel {
    /// The percentiles of a lazy array, equal to ``percentiles(_:_:)`` of the whole array: the
    /// same ``interpolate(_:count:orderStatistic:)`` of the same order statistics, which come from
    /// one counting pass for 8- and 16-bit integers (the in-memory counts, summed over blocks) and
    /// from ``select(_:_:ranks:blockBytes:collectLimit:)`` for the other types.
    static func percentiles(_ lazy: LazyArray, _ percentiles: [Double], blockBytes: Int, collectLimit: Int) throws -> [Double] {
        let n = lazy.shape.reduce(1, *)
        try check(percentiles, count: n)
        let orderStatistic = try withElementType(lazy.dtype) { type in
            func run<T: KernelElement>(_: T.Type) throws -> (Int) -> (Double, Double) {
                if isCounted(T.self) {
                    var counts: [Int] = []
                    try lazy.forEachRun(blockBytes: blockBytes) { count($0.kernelElements(T.self), into: &counts) }
                    return orderStatistics(counts: counts, offset: Int(T.lowestValue), count: n)
                }
                let ranks = ranks(percentiles, count: n)
                guard let values = try select(lazy, T.self, ranks: ranks, blockBytes: blockBytes, collectLimit: collectLimit) else {
                    return { _ in (.nan, .nan) }
                }
                return { k in (values[k] ?? .nan, values[Swift.min(k + 1, n - 1)] ?? .nan) }
            }
            return try run(type)
        }
        return interpolate(percentiles, count: n, orderStatistic: orderStatistic)
    }

    /// Where a ``select(_:_:ranks:blockBytes:collectLimit:)`` search stands: the values whose
    /// ``orderKey(_:)`` starts with the `bits` high bits `prefix` (`population` of them) hold the
    /// searched order statistic, as their `rank`-th smallest.
    private struct Search {
        var prefix: UInt64 = 0
        var bits = 0
        var population: Int
        var rank: Int

        var bucket: [UInt64] { [prefix, UInt64(bits)] }
        func holds(_ key: UInt64) -> Bool { key >> (64 - bits) == prefix }
    }

    /// The order statistics `ranks` (0-based) of a lazy array's values as float64, exactly (as
    /// numbers: a zero may come back as -0 or +0), or `nil` when a value is NaN. Radix selection
    /// over passes: each pass counts the next 16 bits of the values' ``orderKey(_:)`` within the
    /// bucket holding each rank, until a bucket holds at most `collectLimit` values, which a
    /// last pass collects and quickselects as in memory (``select(_:_:)``), or all 64 bits are
    /// known — at most four passes, each with one 65536-entry histogram per distinct bucket searched.
    static func select<T: KernelElement>(_ lazy: LazyArray, _: T.Type, ranks: [Int], blockBytes: Int, collectLimit: Int) throws
        -> [Int: Double]?
    {
        let n = lazy.shape.reduce(1, *)
        var searches = Dictionary(uniqueKeysWithValues: ranks.map { ($0, Search(population: n, rank: $0)) })
        var found: [Int: Double] = [:]
        while !searches.isEmpty {
            let buckets = Array(Dictionary(searches.values.map { ($0.bucket, $0) }, uniquingKeysWith: { first, _ in first }).values)
            let collecting = buckets.map { $0.population <= collectLimit }
            var histograms = collecting.map { $0 ? [] : [Int](repeating: 0, count: 1 << 16) }
            var collected = buckets.map { _ in [Double]() }
            var nan = false
            try lazy.forEachRun(blockBytes: blockBytes) { block in
                nan = tally(block.kernelElements(T.self), buckets, collecting, &histograms, &collected) || nan
            }
            if nan { return nil }
            for (rank, search) in searches {
                let index = buckets.firstIndex { $0.bucket == search.bucket }!
                if collecting[index] {
                    found[rank] = select(&collected[index], search.rank)
                    searches[rank] = nil
                    continue
                }
                var next = search
                var digit = 0
                while next.rank >= histograms[index][digit] {
                    next.rank -= histograms[index][digit]
                    digit += 1
                }
                next.prefix = search.prefix << 16 | UInt64(digit)
                next.bits += 16
                next.population = histograms[index][digit]
                if next.bits == 64 {
                    found[rank] = value(ofKey: next.prefix)
                    searches[rank] = nil
                } else {
                    searches[rank] = next
                }
            }
        }
        return found
    }

    /// Counts the values of each searched bucket by their next 16 key bits, or collects them;
    /// `true` when a value is NaN.
    private static func tally<T: KernelElement>(
        _ values: UnsafeBufferPointer<T>, _ buckets: [Search], _ collecting: [Bool], _ histograms: inout [[Int]],
        _ collected: inout [[Double]]
    ) -> Bool {
        var nan = false
        for i in 0..<values.count {
            let x = values[i].doubleValue
            guard !x.isNaN else {
                nan = true
                continue
            }
            let key = orderKey(x)
            for index in 0..<buckets.count where buckets[index].holds(key) {
                if collecting[index] {
                    collected[index].append(x)
                } else {
                    histograms[index][Int(key >> (48 - buckets[index].bits) & 0xFFFF)] += 1
                }
            }
        }
        return nan
    }

    /// A key whose unsigned order is the order of non-NaN float64 values (-0 as +0).
    static func orderKey(_ x: Double) -> UInt64 {
        let bits = (x + 0).bitPattern
        return bits >> 63 == 1 ? ~bits : bits | 1 << 63
    }

    /// The value of an ``orderKey(_:)``.
    static func value(ofKey key: UInt64) -> Double {
        Double(bitPattern: key >> 63 == 1 ? key & ~(1 << 63) : ~key)
    }
}
