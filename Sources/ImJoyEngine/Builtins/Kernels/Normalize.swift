import ImageIO

enum NormalizeKernel {
    /// numpy.percentile(a, percentiles) with the default linear method, in float64: the order
    /// statistics around virtual index `(n - 1) * p / 100`, interpolated with numpy's `_lerp`.
    /// A NaN anywhere makes every percentile NaN, as numpy's.
    static func percentiles(_ array: NDArray, _ percentiles: [Double]) throws -> [Double] {
        try check(percentiles, count: array.count)
        return interpolate(percentiles, count: array.count, orderStatistic: try orderStatistics(array))
    }

    /// Refuses an empty array and percentiles outside 0...100.
    static func check(_ percentiles: [Double], count: Int) throws {
        guard count > 0 else { throw KernelError("percentiles of an empty array are undefined") }
        for p in percentiles where !(0...100).contains(p) { throw KernelError("percentile \(p) is outside 0...100") }
    }

    /// The order statistic below the virtual index of `p` among `n` elements, and the fraction past it.
    private static func position(_ p: Double, count n: Int) -> (below: Int, fraction: Double) {
        let index = Double(n - 1) * (p / 100)
        let below = Int(index.rounded(.down))
        return (below, index - Double(below))
    }

    /// The ranks (0-based) of the order statistics ``interpolate(_:count:orderStatistic:)`` reads.
    static func ranks(_ percentiles: [Double], count n: Int) -> [Int] {
        let below = percentiles.map { position($0, count: n).below }
        return Array(Set(below + below.map { Swift.min($0 + 1, n - 1) })).sorted()
    }

    /// The percentiles from `orderStatistic(k)`, the k-th and (k+1)-th smallest elements (the last
    /// one twice at the end). A zero order statistic counts as +0: which of -0 and +0 a selection
    /// lands on depends on its order, so both paths (in memory, streamed) take +0.
    static func interpolate(_ percentiles: [Double], count n: Int, orderStatistic: (Int) -> (Double, Double)) -> [Double] {
        percentiles.map { p in
            let (below, t) = position(p, count: n)
            let (a, b) = orderStatistic(below)
            guard !a.isNaN, !b.isNaN else { return .nan }
            let (low, high) = (a + 0, b + 0)
            let difference = high - low
            return t >= 0.5 ? high - difference * (1 - t) : low + difference * t
        }
    }

    /// Whether `T`'s order statistics come from counting every value (8- and 16-bit integers).
    static func isCounted<T: KernelElement>(_: T.Type) -> Bool {
        T.self == UInt8.self || T.self == Int8.self || T.self == UInt16.self || T.self == Int16.self
    }

    /// Adds the values to `counts`, one entry per value of `T` from `T.lowestValue` on.
    static func count<T: KernelElement>(_ values: UnsafeBufferPointer<T>, into counts: inout [Int]) {
        let offset = Int(T.lowestValue)
        if counts.isEmpty { counts = [Int](repeating: 0, count: Int(T.highestValue) - offset + 1) }
        for v in values { counts[Int(v.doubleValue) - offset] += 1 }
    }

    /// The k-th and (k+1)-th smallest of `n` values counted by ``count(_:into:)`` from `offset` on.
    static func orderStatistics(counts: [Int], offset: Int, count n: Int) -> (Int) -> (Double, Double) {
        // cumulative[v] = number of elements <= v
        var cumulative = counts
        for v in 1..<cumulative.count { cumulative[v] += cumulative[v - 1] }
        func kth(_ k: Int) -> Double {
            var low = 0
            var high = cumulative.count - 1
            while low < high {
                let middle = (low + high) / 2
                if cumulative[middle] > k { high = middle } else { low = middle + 1 }
            }
            return Double(low + offset)
        }
        return { k in (kth(k), kth(Swift.min(k + 1, n - 1))) }
    }

    /// A function giving the k-th and (k+1)-th smallest elements (the last one twice at the end).
    /// 8- and 16-bit integers are counted; other types are copied once and selected with
    /// quickselect (expected linear time, no full sort).
    static func orderStatistics(_ array: NDArray) throws -> (Int) -> (Double, Double) {
        let n = array.count
        return withElementType(array.dtype) { type in
            func run<T: KernelElement>(_: T.Type) -> (Int) -> (Double, Double) {
                let values = array.kernelElements(T.self)
                if isCounted(T.self) {
                    var counts: [Int] = []
                    count(values, into: &counts)
                    return orderStatistics(counts: counts, offset: Int(T.lowestValue), count: n)
                }
                var copy = values.map(\.doubleValue)
                if copy.contains(where: \.isNaN) { return { _ in (.nan, .nan) } }
                return { k in
                    let a = select(&copy, k)
                    // After selecting k, everything from k + 1 on is >= a: the next is their minimum.
                    let b = k + 1 < n ? copy[(k + 1)...].min()! : a
                    return (a, b)
                }
            }
            return run(type)
        }
    }

    /// The k-th smallest element (0-based) of `values`, which is reordered (three-way quickselect
    /// with a median-of-three pivot); afterwards `values[k]` is it, smaller ones precede it and
    /// larger or equal ones follow.
    static func select(_ values: inout [Double], _ k: Int) -> Double {
        var low = 0
        var high = values.count
        while high - low > 32 {
            let a = values[low]
            let b = values[(low + high) / 2]
            let c = values[high - 1]
            let pivot = Swift.max(Swift.min(a, b), Swift.min(Swift.max(a, b), c))
            let lessEnd = values[low..<high].partition { $0 >= pivot }
            let equalEnd = values[lessEnd..<high].partition { $0 > pivot }
            if k < lessEnd {
                high = lessEnd
            } else if k < equalEnd {
                return values[k]
            } else {
                low = equalEnd
            }
        }
        values[low..<high].sort()
        return values[k]
    }

    /// `(x - lo) / max(hi - lo, 1e-12)` in float64, stored as float32, clipped to [0, 1] when
    /// `clip`; `lo`/`hi` are the `low`/`high` percentiles.
    static func normalize(_ array: NDArray, low: Double, high: Double, clip: Bool) throws -> NDArray {
        try checkOrder(low: low, high: high)
        let bounds = try percentiles(array, [low, high])
        return try scale(array, lo: bounds[0], hi: bounds[1], clip: clip)
    }

    /// Refuses a low percentile above the high one.
    static func checkOrder(low: Double, high: Double) throws {
        guard low <= high else { throw KernelError("the low percentile \(low) is above the high percentile \(high)") }
    }

    /// `(x - lo) / max(hi - lo, 1e-12)` in float64, stored as float32, clipped to [0, 1] when
    /// `clip`: element by element (a block of a larger array gives the same values).
    static func scale(_ array: NDArray, lo: Double, hi: Double, clip: Bool) throws -> NDArray {
        let denominator = max(hi - lo, 1e-12)
        let result = try NDArray(zeros: array.shape, dtype: .float32)
        let destination = UnsafeSendableBox(value: result.kernelMutableElements(Float.self))
        withElementType(array.dtype) { type in
            func run<T: KernelElement>(_: T.Type) {
                let source = UnsafeSendableBox(value: array.kernelElements(T.self))
                parallelRanges(array.count, minimumChunk: 1 << 16) { range in
                    let source = source.value
                    let destination = destination.value
                    if clip {
                        for i in range { destination[i] = Float(min(max((source[i].doubleValue - lo) / denominator, 0), 1)) }
                    } else {
                        for i in range { destination[i] = Float((source[i].doubleValue - lo) / denominator) }
                    }
                }
            }
            run(type)
        }
        return result
    }
}
