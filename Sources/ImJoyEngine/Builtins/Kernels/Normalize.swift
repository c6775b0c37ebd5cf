import ImageIO

enum NormalizeKernel {
    /// numpy.percentile(a, percentiles) with the default linear method, in float64: the order
    /// statistics around virtual index `(n - 1) * p / 100`, interpolated with numpy's `_lerp`.
    /// A NaN anywhere makes every percentile NaN, as numpy's.
    static func percentiles(_ array: NDArray, _ percentiles: [Double]) throws -> [Double] {
        guard array.count > 0 else { throw KernelError("percentiles of an empty array are undefined") }
        for p in percentiles where !(0...100).contains(p) { throw KernelError("percentile \(p) is outside 0...100") }
        let n = array.count
        let orderStatistic = try orderStatistics(array)
        return percentiles.map { p in
            let index = Double(n - 1) * (p / 100)
            let below = Int(index.rounded(.down))
            let t = index - Double(below)
            let (a, b) = orderStatistic(below)
            guard !a.isNaN, !b.isNaN else { return .nan }
            let difference = b - a
            return t >= 0.5 ? b - difference * (1 - t) : a + difference * t
        }
    }

    /// A function giving the k-th and (k+1)-th smallest elements (the last one twice at the end).
    /// 8- and 16-bit integers are counted; other types are copied once and selected with
    /// quickselect (expected linear time, no full sort).
    static func orderStatistics(_ array: NDArray) throws -> (Int) -> (Double, Double) {
        let n = array.count
        return withElementType(array.dtype) { type in
            func run<T: KernelElement>(_: T.Type) -> (Int) -> (Double, Double) {
                let values = array.kernelElements(T.self)
                if T.self == UInt8.self || T.self == Int8.self || T.self == UInt16.self || T.self == Int16.self {
                    let offset = Int(T.lowestValue)
                    let size = Int(T.highestValue) - offset + 1
                    var counts = [Int](repeating: 0, count: size)
                    for v in values { counts[Int(v.doubleValue) - offset] += 1 }
                    // cumulative[v] = number of elements <= v
                    var cumulative = counts
                    for v in 1..<size { cumulative[v] += cumulative[v - 1] }
                    func kth(_ k: Int) -> Double {
                        var low = 0
                        var high = size - 1
                        while low < high {
                            let middle = (low + high) / 2
                            if cumulative[middle] > k { high = middle } else { low = middle + 1 }
                        }
                        return Double(low + offset)
                    }
                    return { k in (kth(k), kth(Swift.min(k + 1, n - 1))) }
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
        guard low <= high else { throw KernelError("the low percentile \(low) is above the high percentile \(high)") }
        let bounds = try percentiles(array, [low, high])
        let lo = bounds[0]
        let denominator = max(bounds[1] - bounds[0], 1e-12)
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
