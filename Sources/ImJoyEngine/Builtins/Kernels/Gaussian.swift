import Foundation
import ImageIO

/// How values beyond the edge of an axis are taken (scipy.ndimage's `mode`).
enum BorderMode: String, CaseIterable, Sendable {
    /// `d c b a | a b c d | d c b a` (half-sample symmetric; scipy's default).
    case reflect
    /// `a a a a | a b c d | d d d d`.
    case nearest
    /// `d c b | a b c d | c b a` (whole-sample symmetric).
    case mirror
    /// `a b c d | a b c d | a b c d`.
    case wrap
    /// `0 0 0 0 | a b c d | 0 0 0 0` (cval 0).
    case constant

    /// The index inside `0..<n` that position `i` (any integer) reads, or -1 for the constant 0.
    func sourceIndex(_ i: Int, count n: Int) -> Int {
        if i >= 0 && i < n { return i }
        switch self {
        case .constant:
            return -1
        case .nearest:
            return i < 0 ? 0 : n - 1
        case .wrap:
            let m = i % n
            return m < 0 ? m + n : m
        case .reflect:
            let period = 2 * n
            var m = i % period
            if m < 0 { m += period }
            return m < n ? m : period - 1 - m
        case .mirror:
            if n == 1 { return 0 }
            let period = 2 * n - 2
            var m = i % period
            if m < 0 { m += period }
            return m < n ? m : period - m
        }
    }
}

/// Separable Gaussian smoothing, like `scipy.ndimage.gaussian_filter(a.astype(np.float32), sigma,
/// mode=mode, truncate=truncate)`: one 1-d correlation per axis (first to last), float32 values
/// and accumulation, float32 output.
enum GaussianKernel {
    /// The normalised 1-d weights for `sigma`, radius `Int(truncate * sigma + 0.5)` (scipy's rule).
    static func weights(sigma: Double, truncate: Double) -> [Float] {
        let radius = Int(truncate * sigma + 0.5)
        let sigma2 = sigma * sigma
        let raw = (-radius...radius).map { x in exp(-0.5 / sigma2 * Double(x * x)) }
        let total = raw.reduce(0, +)
        return raw.map { Float($0 / total) }
    }

    /// Smooths `input` with one sigma per axis (a single value applies to every axis).
    static func apply(_ input: NDArray, sigma: [Double], truncate: Double, mode: BorderMode) throws -> NDArray {
        let sigmas = sigma.count == 1 ? Array(repeating: sigma[0], count: input.rank) : sigma
        guard sigmas.count == input.rank else {
            throw KernelError("\(sigma.count) sigmas for an array of rank \(input.rank) (shape \(input.shape))")
        }
        guard sigmas.allSatisfy({ $0 >= 0 && $0.isFinite }) else { throw KernelError("sigma must be finite and >= 0, got \(sigma)") }
        guard truncate > 0, truncate.isFinite else { throw KernelError("truncate must be > 0, got \(truncate)") }
        var current = try toFloat32(input)
        guard current.count > 0 else { return current }
        var spare: NDArray? = nil
        for axis in 0..<input.rank where sigmas[axis] > 1e-15 {
            let taps = weights(sigma: sigmas[axis], truncate: truncate)
            if taps.count == 1 { continue }  // radius 0: the identity
            var output = try spare ?? NDArray(zeros: input.shape, dtype: .float32)
            correlate(current, into: &output, axis: axis, weights: taps, mode: mode)
            spare = current
            current = output
        }
        return current
    }

    /// `input` as a new float32 array (numpy `astype(np.float32)`).
    static func toFloat32(_ input: NDArray) throws -> NDArray {
        let result = try NDArray(zeros: input.shape, dtype: .float32)
        let destination = UnsafeSendableBox(value: result.kernelMutableElements(Float.self))
        withElementType(input.dtype) { type in
            func run<T: KernelElement>(_: T.Type) {
                let source = input.kernelElements(T.self)
                parallelRanges(source.count, minimumChunk: 1 << 16) { range in
                    for i in range { destination.value[i] = source[i].floatValue }
                }
            }
            run(type)
        }
        return result
    }

    /// One 1-d correlation along `axis` from `input` into `output` (same shape, float32).
    static func correlate(_ input: NDArray, into output: inout NDArray, axis: Int, weights: [Float], mode: BorderMode) {
        let (outer, n, inner) = splitShape(input.shape, axis: axis)
        let radius = weights.count / 2
        // Where each padded position reads from (-1: the constant 0); n + 2r entries, once per pass.
        let sourceOf = (0..<(n + 2 * radius)).map { mode.sourceIndex($0 - radius, count: n) }
        let source = UnsafeSendableBox(value: input.kernelElements(Float.self))
        let destination = UnsafeSendableBox(value: output.kernelMutableElements(Float.self))
        weights.withUnsafeBufferPointer { w in
            sourceOf.withUnsafeBufferPointer { map in
                let w = UnsafeSendableBox(value: w)
                let map = UnsafeSendableBox(value: map)
                if inner == 1 {
                    correlateLines(source.value, destination.value, lines: outer, length: n, weights: w.value, map: map.value)
                } else {
                    correlateRows(source.value, destination.value, outer: outer, length: n, inner: inner, weights: w.value, map: map.value)
                }
            }
        }
    }

    /// The last axis: each line is padded once into a scratch buffer, then every tap is a
    /// contiguous multiply-add over the line.
    private static func correlateLines(
        _ source: UnsafeBufferPointer<Float>, _ destination: UnsafeMutableBufferPointer<Float>,
        lines: Int, length n: Int, weights: UnsafeBufferPointer<Float>, map: UnsafeBufferPointer<Int>
    ) {
        let boxed = UnsafeSendableBox(value: (source, destination, weights, map))
        parallelRanges(lines, minimumChunk: max(1, 4096 / max(n, 1))) { range in
            let (source, destination, weights, map) = boxed.value
            let padded = UnsafeMutableBufferPointer<Float>.allocate(capacity: map.count)
            defer { padded.deallocate() }
            for line in range {
                let src = source.baseAddress! + line * n
                for k in 0..<map.count {
                    let index = map[k]
                    padded[k] = index < 0 ? 0 : src[index]
                }
                let dst = destination.baseAddress! + line * n
                let w0 = weights[0]
                for i in 0..<n { dst[i] = w0 * padded[i] }
                for j in 1..<weights.count {
                    let wj = weights[j]
                    let tap = padded.baseAddress! + j
                    for i in 0..<n { dst[i] += wj * tap[i] }
                }
            }
        }
    }

    /// Any other axis: output rows are weighted sums of whole input rows (`inner` contiguous
    /// values), in column blocks that stay in cache.
    private static func correlateRows(
        _ source: UnsafeBufferPointer<Float>, _ destination: UnsafeMutableBufferPointer<Float>,
        outer: Int, length n: Int, inner: Int, weights: UnsafeBufferPointer<Float>, map: UnsafeBufferPointer<Int>
    ) {
        let block = 2048
        let blocksPerPlane = (inner + block - 1) / block
        let boxed = UnsafeSendableBox(value: (source, destination, weights, map))
        parallelRanges(outer * blocksPerPlane) { range in
            let (source, destination, weights, map) = boxed.value
            for task in range {
                let plane = task / blocksPerPlane
                let start = (task % blocksPerPlane) * block
                let width = min(block, inner - start)
                let planeSource = source.baseAddress! + plane * n * inner + start
                let planeDestination = destination.baseAddress! + plane * n * inner + start
                for i in 0..<n {
                    let dst = planeDestination + i * inner
                    for c in 0..<width { dst[c] = 0 }
                    for j in 0..<weights.count {
                        let index = map[i + j]
                        if index < 0 { continue }
                        let wj = weights[j]
                        let src = planeSource + index * inner
                        for c in 0..<width { dst[c] += wj * src[c] }
                    }
                }
            }
        }
    }
}
