import ImageIO

enum NormalizeKernel {
    /// numpy.percentile(a, percentiles) with the default linear method, in float64: the sorted
    /// values at virtual index `(n - 1) * p / 100`, interpolated with numpy's `_lerp`.
    static func percentiles(_ array: NDArray, _ percentiles: [Double]) throws -> [Double] {
        guard array.count > 0 else { throw KernelError("percentiles of an empty array are undefined") }
        for p in percentiles where !(0...100).contains(p) { throw KernelError("percentile \(p) is outside 0...100") }
        let sorted = sortedValues(array)
        let n = sorted.count
        return percentiles.map { p in
            let q = p / 100
            let index = Double(n - 1) * q
            let below = Int(index.rounded(.down))
            let above = min(below + 1, n - 1)
            let t = index - Double(below)
            let a = sorted[below], b = sorted[above]
            let difference = b - a
            return t >= 0.5 ? b - difference * (1 - t) : a + difference * t
        }
    }

    /// The elements as sorted doubles (NaN last, like numpy's sort). 8- and 16-bit integers are
    /// counted instead of sorted.
    static func sortedValues(_ array: NDArray) -> [Double] {
        withElementType(array.dtype) { type in
            func run<T: KernelElement>(_: T.Type) -> [Double] {
                let values = array.kernelElements(T.self)
                if T.self == UInt8.self || T.self == Int8.self || T.self == UInt16.self || T.self == Int16.self {
                    let offset = Int(T.lowestValue), size = Int(T.highestValue) - offset + 1
                    var counts = [Int](repeating: 0, count: size)
                    for v in values { counts[Int(v.doubleValue) - offset] += 1 }
                    var result = [Double]()
                    result.reserveCapacity(values.count)
                    for (k, count) in counts.enumerated() where count > 0 {
                        result.append(contentsOf: repeatElement(Double(k + offset), count: count))
                    }
                    return result
                }
                var result = values.map(\.doubleValue)
                result.sort { a, b in a < b || (!a.isNaN && b.isNaN) }
                return result
            }
            return run(type)
        }
    }

    /// `(x - lo) / max(hi - lo, 1e-12)` in float64, stored as float32, clipped to [0, 1] when
    /// `clip`; `lo`/`hi` are the `low`/`high` percentiles.
    static func normalize(_ array: NDArray, low: Double, high: Double, clip: Bool) throws -> NDArray {
        guard low <= high else { throw KernelError("the low percentile \(low) is above the high percentile \(high)") }
        let bounds = try percentiles(array, [low, high])
        let lo = bounds[0], denominator = max(bounds[1] - bounds[0], 1e-12)
        let result = try NDArray(zeros: array.shape, dtype: .float32)
        let destination = UnsafeSendableBox(value: result.kernelMutableElements(Float.self))
        withElementType(array.dtype) { type in
            func run<T: KernelElement>(_: T.Type) {
                let source = UnsafeSendableBox(value: array.kernelElements(T.self))
                parallelRanges(array.count, minimumChunk: 1 << 16) { range in
                    let source = source.value, destination = destination.value
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
