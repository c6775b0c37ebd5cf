import ImageIO

/// How `threshold` picks its cut-off.
enum ThresholdMethod: String, CaseIterable, Sendable {
    case otsu, mean, value
}

enum ThresholdKernel {
    /// The threshold of `array` by `method` (`value` returns `value`).
    static func threshold(_ array: NDArray, method: ThresholdMethod, value: Double) throws -> Double {
        switch method {
        case .value:
            return value
        case .mean:
            guard array.count > 0 else { throw KernelError("the mean of an empty array is undefined") }
            return StatsKernel.compute(array).mean
        case .otsu:
            return try otsu(array)
        }
    }

    /// Otsu's threshold exactly as `skimage.filters.threshold_otsu(image, nbins=256)` computes it
    /// for float images: a 256-bin histogram over [min, max] (numpy's `histogram`: the last bin
    /// includes max), bin centers, the between-class variance of every split, the center of the
    /// argmax (first on ties). An image of one value returns that value. Integer images use the
    /// same 256 bins (skimage would use one bin per integer value).
    static func otsu(_ array: NDArray) throws -> Double {
        try otsu(stats: StatsKernel.compute(array)) { low, high in histogram(array, bins: otsuBins, low: low, high: high) }
    }

    /// The number of histogram bins of Otsu's threshold.
    static let otsuBins = 256

    /// Otsu's threshold from the array's statistics (count, min and max) and `histogram(min, max)`,
    /// its ``otsuBins``-bin ``histogram(_:bins:low:high:)`` (asked for only when min < max): the
    /// whole array's, or the sum of its blocks' for an array larger than memory.
    static func otsu(stats: ArrayStats, histogram: (Double, Double) throws -> [Int]) throws -> Double {
        guard stats.count > 0 else { throw KernelError("Otsu's threshold of an empty array is undefined") }
        guard stats.min.isFinite, stats.max.isFinite else {
            throw KernelError("Otsu's threshold needs finite values (the array holds NaN or infinity)")
        }
        let low = stats.min
        let high = stats.max
        if low == high { return low }
        let bins = otsuBins
        let counts = try histogram(low, high)
        // numpy.linspace(low, high, 257): low + k * step, the last edge exactly high.
        let step = (high - low) / Double(bins)
        var edges = (0...bins).map { low + Double($0) * step }
        edges[bins] = high
        let centers = (0..<bins).map { (edges[$0] + edges[$0 + 1]) / 2 }
        // weight1/mean1 from the left, weight2/mean2 from the right (numpy cumsum order).
        var weight1 = [Double](repeating: 0, count: bins)
        var weighted1 = [Double](repeating: 0, count: bins)
        var w = 0.0
        var m = 0.0
        for i in 0..<bins {
            w += Double(counts[i])
            m += Double(counts[i]) * centers[i]
            weight1[i] = w
            weighted1[i] = m
        }
        var weight2 = [Double](repeating: 0, count: bins)
        var weighted2 = [Double](repeating: 0, count: bins)
        w = 0
        m = 0
        for i in stride(from: bins - 1, through: 0, by: -1) {
            w += Double(counts[i])
            m += Double(counts[i]) * centers[i]
            weight2[i] = w
            weighted2[i] = m
        }
        var best = -Double.infinity
        var bestIndex = 0
        for i in 0..<(bins - 1) {
            let mean1 = weighted1[i] / weight1[i]
            let mean2 = weighted2[i + 1] / weight2[i + 1]
            let difference = mean1 - mean2
            let variance = weight1[i] * weight2[i + 1] * difference * difference
            // numpy.argmax: the first maximum; NaN (an empty class, 0/0) counts as the maximum.
            if variance.isNaN {
                if !best.isNaN {
                    best = .nan
                    bestIndex = i
                }
                break
            }
            if variance > best {
                best = variance
                bestIndex = i
            }
        }
        return centers[bestIndex]
    }

    /// numpy.histogram's uniform-bin counts over [low, high] (values outside are ignored).
    static func histogram(_ array: NDArray, bins: Int, low: Double, high: Double) -> [Int] {
        let step = (high - low) / Double(bins)
        var edges = (0...bins).map { low + Double($0) * step }
        edges[bins] = high
        let scale = Double(bins) / (high - low)
        return withElementType(array.dtype) { type in
            func run<T: KernelElement>(_: T.Type) -> [Int] {
                let box = UnsafeSendableBox(value: array.kernelElements(T.self))
                let parts = parallelMap(array.count, minimumChunk: 1 << 16) { range -> [Int] in
                    var counts = [Int](repeating: 0, count: bins)
                    let values = box.value
                    for i in range {
                        let v = values[i].doubleValue
                        guard v >= low, v <= high else { continue }
                        var index = Int((v - low) * scale)
                        if index >= bins { index = bins - 1 }
                        // Correct rounding within an ulp of an edge, as numpy does.
                        if v < edges[index] { index -= 1 }
                        if index < bins - 1, v >= edges[index + 1] { index += 1 }
                        counts[index] += 1
                    }
                    return counts
                }
                var total = [Int](repeating: 0, count: bins)
                for part in parts { for i in 0..<bins { total[i] += part[i] } }
                return total
            }
            return run(type)
        }
    }

    /// A uint8 mask: `foreground` where the value is greater than `threshold`, else 0.
    static func mask(_ array: NDArray, threshold: Double, foreground: UInt8) throws -> NDArray {
        let result = try NDArray(zeros: array.shape, dtype: .uint8)
        let destination = UnsafeSendableBox(value: result.kernelMutableElements(UInt8.self))
        withElementType(array.dtype) { type in
            func run<T: KernelElement>(_: T.Type) {
                let source = UnsafeSendableBox(value: array.kernelElements(T.self))
                parallelRanges(array.count, minimumChunk: 1 << 16) { range in
                    let source = source.value
                    let destination = destination.value
                    for i in range { destination[i] = source[i].doubleValue > threshold ? foreground : 0 }
                }
            }
            run(type)
        }
        return result
    }
}
