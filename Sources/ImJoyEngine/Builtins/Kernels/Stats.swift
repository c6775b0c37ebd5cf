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
        let parts = parallelMap(n, minimumChunk: 1 << 16) { range -> (T, T, Double, Bool) in
            let values = box.value
            var low = values[range.lowerBound]
            var high = low
            var sum = 0.0
            var nan = false
            for i in range {
                let v = values[i]
                if v < low { low = v }
                if v > high { high = v }
                if v.isNaNValue { nan = true }
                sum += v.doubleValue
            }
            return (low, high, sum, nan)
        }
        if parts.contains(where: { $0.3 }) {
            return ArrayStats(min: .nan, max: .nan, mean: .nan, std: .nan, count: n)
        }
        var low = parts[0].0
        var high = parts[0].1
        var sum = 0.0
        for part in parts {
            if part.0 < low { low = part.0 }
            if part.1 > high { high = part.1 }
            sum += part.2
        }
        let mean = sum / Double(n)
        let squares = parallelMap(n, minimumChunk: 1 << 16) { range -> Double in
            let values = box.value
            var total = 0.0
            for i in range {
                let d = values[i].doubleValue - mean
                total += d * d
            }
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

    /// The `stats` op's result: `{min, max, mean, std, shape, dtype}`. Integer (and bool) arrays
    /// give integer min/max; NaN and ±inf (no JSON numbers) become null, as do all four for an empty array.
    static func json(_ array: NDArray) -> JSONValue {
        let stats = compute(array)
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
        object["shape"] = .array(array.shape.map { .integer(Int64($0)) })
        object["dtype"] = .string(array.dtype.rawValue)
        return .object(object)
    }
}
