import ImJoySchema
import ImageIO

/// Summary statistics of an array, accumulated in float64.
struct ArrayStats: Equatable {
    var min: Double
    var max: Double
    var mean: Double
    /// Population standard deviation (numpy's `std`, ddof 0).
    var std: Double
    var count: Int
    /// Exact extremes of integer arrays (64-bit values do not all fit a Double).
    var integerMin: NDScalar?
    var integerMax: NDScalar?
}

enum StatsKernel {
    /// The smallest run of elements the float64 sum adds up on its own (``chunkRanges(_:minimumChunk:)``):
    /// the chunk sums are then added in chunk order. The streamed mean restarts its sum at the same
    /// chunk boundaries to stay bit-identical.
    static let sumChunk = 1 << 16

    /// min, max, mean and std (two passes: the mean, then the mean squared deviation), with
    /// per-chunk float64 sums added in chunk order (deterministic). NaN in a float array makes
    /// every statistic NaN, as numpy's.
    static func compute(_ array: NDArray) -> ArrayStats {
        withElementType(array.dtype) { type in
            func run<T: KernelElement>(_: T.Type) -> ArrayStats { compute(array.kernelElements(T.self)) }
            return run(type)
        }
    }

    static func compute<T: KernelElement>(_ values: UnsafeBufferPointer<T>) -> ArrayStats {
        let n = values.count
        guard n > 0 else { return ArrayStats(min: .nan, max: .nan, mean: .nan, std: .nan, count: 0) }
        let box = UnsafeSendableBox(value: values)
        let parts = parallelMap(n, minimumChunk: sumChunk) { range -> ChunkStats<T> in
            var part = ChunkStats(first: box.value[range.lowerBound])
            part.add(box.value, range)
            return part
        }
        if parts.contains(where: \.nan) {
            return ArrayStats(min: .nan, max: .nan, mean: .nan, std: .nan, count: n)
        }
        var low = parts[0].low
        var high = parts[0].high
        var sum = 0.0
        for part in parts {
            if part.low < low { low = part.low }
            if part.high > high { high = part.high }
            sum += part.sum
        }
        let mean = sum / Double(n)
        let squares = parallelMap(n, minimumChunk: sumChunk) { range -> Double in
            var total = 0.0
            addSquaredDeviations(box.value, range, from: mean, to: &total)
            return total
        }
        let variance = squares.reduce(0, +) / Double(n)
        var stats = ArrayStats(min: low.doubleValue, max: high.doubleValue, mean: mean, std: variance.squareRoot(), count: n)
        if !T.dtype.isFloatingPoint {
            stats.integerMin = low.scalar
            stats.integerMax = high.scalar
        }
        return stats
    }

    /// Adds `(x - mean)²` of the elements in `range` to `total`, in order: the std's chunk sums,
    /// in memory and streamed.
    static func addSquaredDeviations<T: KernelElement>(
        _ values: UnsafeBufferPointer<T>, _ range: Range<Int>, from mean: Double, to total: inout Double
    ) {
        var sum = total
        for i in range {
            let d = values[i].doubleValue - mean
            sum += d * d
        }
        total = sum
    }

    /// The extremes, NaN flag and float64 sum of one chunk, element by element in order (the
    /// first of equal extremes kept): the in-memory chunks, and the streamed mean's across blocks.
    struct ChunkStats<T: KernelElement> {
        var low: T
        var high: T
        var sum = 0.0
        var nan = false

        init(first: T) {
            low = first
            high = first
        }

        mutating func add(_ values: UnsafeBufferPointer<T>, _ range: Range<Int>) {
            var (low, high, sum, nan) = (self.low, self.high, self.sum, self.nan)
            for i in range {
                let v = values[i]
                if v < low { low = v }
                if v > high { high = v }
                if v.isNaNValue { nan = true }
                sum += v.doubleValue
            }
            (self.low, self.high, self.sum, self.nan) = (low, high, sum, nan)
        }
    }

    /// The `stats` op's result: `{min, max, mean, std, shape, dtype}`. Integer (and bool) arrays
    /// give integer min/max; NaN and ±inf (no JSON numbers) become null, as do all four for an empty array.
    static func json(_ array: NDArray) -> JSONValue {
        json(compute(array), shape: array.shape, dtype: array.dtype)
    }

    /// The `stats` op's result for `stats` of an array of `shape` and `dtype` (in memory or streamed).
    static func json(_ stats: ArrayStats, shape: [Int], dtype: DType) -> JSONValue {
        func number(_ scalar: NDScalar?, _ value: Double) -> JSONValue {
            switch scalar {
            case .signed(let v)?: return .integer(v)
            case .unsigned(let v)?: return v <= UInt64(Int64.max) ? .integer(Int64(v)) : .number(Double(v))
            default: return value.isFinite ? .number(value) : .null  // NaN, ±inf: JSON has no such numbers
            }
        }
        var object = JSONObject()
        object["min"] = number(stats.integerMin, stats.min)
        object["max"] = number(stats.integerMax, stats.max)
        object["mean"] = number(nil, stats.mean)
        object["std"] = number(nil, stats.std)
        object["shape"] = .array(shape.map { .integer(Int64($0)) })
        object["dtype"] = .string(dtype.rawValue)
        return .object(object)
    }
}
