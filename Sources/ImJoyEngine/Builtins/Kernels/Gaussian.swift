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
        let n = input.shape[axis]
        correlate(input, into: &output, axis: axis, weights: weights, mode: mode, window: AxisWindow(full: n))
    }

    /// One 1-d correlation along `axis` of a block: `input` holds the positions
    /// `window.inputStart ..< window.inputStart + input.shape[axis]` of an axis of `window.length`,
    /// `output` (float32, `window.outputCount` along `axis`, the other extents of `input`) gets the
    /// positions from `window.outputStart`. Borders follow `mode` at the whole axis's ends, so a
    /// block with enough halo gives exactly the values of the whole array's correlation.
    static func correlate(_ input: NDArray, into output: inout NDArray, axis: Int, weights: [Float], mode: BorderMode, window: AxisWindow) {
        let (outer, inLength, inner) = splitShape(input.shape, axis: axis)
        let n = window.outputCount
        let radius = weights.count / 2
        // Where each padded position reads from (-1: the constant 0), relative to the input block.
        let sourceOf = (0..<(n + 2 * radius)).map { p in
            let index = mode.sourceIndex(window.outputStart + p - radius, count: window.length)
            return index < 0 ? -1 : index - window.inputStart
        }
        let source = UnsafeSendableBox(value: input.kernelElements(Float.self))
        let destination = UnsafeSendableBox(value: output.kernelMutableElements(Float.self))
        let lengths = (input: inLength, output: n)
        weights.withUnsafeBufferPointer { w in
            sourceOf.withUnsafeBufferPointer { map in
                let w = UnsafeSendableBox(value: w)
                let map = UnsafeSendableBox(value: map)
                if inner == 1 {
                    correlateLines(source.value, destination.value, lines: outer, lengths: lengths, weights: w.value, map: map.value)
                } else {
                    correlateRows(
                        source.value, destination.value, outer: outer, lengths: lengths, inner: inner, weights: w.value, map: map.value)
                }
            }
        }
    }

    /// The last axis: each line is padded once into a scratch buffer, then every tap is a
    /// contiguous multiply-add over the line.
    private static func correlateLines(
        _ source: UnsafeBufferPointer<Float>, _ destination: UnsafeMutableBufferPointer<Float>,
        lines: Int, lengths: (input: Int, output: Int), weights: UnsafeBufferPointer<Float>, map: UnsafeBufferPointer<Int>
    ) {
        let n = lengths.output
        let boxed = UnsafeSendableBox(value: (source, destination, weights, map))
        parallelRanges(lines, minimumChunk: max(1, 4096 / max(n, 1))) { range in
            let (source, destination, weights, map) = boxed.value
            let padded = UnsafeMutableBufferPointer<Float>.allocate(capacity: map.count)
            defer { padded.deallocate() }
            for line in range {
                let src = source.baseAddress! + line * lengths.input
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
        outer: Int, lengths: (input: Int, output: Int), inner: Int, weights: UnsafeBufferPointer<Float>, map: UnsafeBufferPointer<Int>
    ) {
        let n = lengths.output
        let block = 2048
        let blocksPerPlane = (inner + block - 1) / block
        let boxed = UnsafeSendableBox(value: (source, destination, weights, map))
        parallelRanges(outer * blocksPerPlane) { range in
            let (source, destination, weights, map) = boxed.value
            for task in range {
                let plane = task / blocksPerPlane
                let start = (task % blocksPerPlane) * block
                let width = min(block, inner - start)
                let planeSource = source.baseAddress! + plane * lengths.input * inner + start
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

/// The part of one axis a block's correlation reads and writes (see
/// ``GaussianKernel/correlate(_:into:axis:weights:mode:window:)``).
struct AxisWindow: Sendable, Equatable {
    /// The whole axis's extent.
    var length: Int
    /// The first position the input block holds.
    var inputStart: Int
    /// The first position written, and how many.
    var outputStart: Int
    var outputCount: Int

    /// The whole axis in and out.
    init(full length: Int) {
        self.init(length: length, inputStart: 0, outputStart: 0, outputCount: length)
    }

    init(length: Int, inputStart: Int, outputStart: Int, outputCount: Int) {
        self.length = length
        self.inputStart = inputStart
        self.outputStart = outputStart
        self.outputCount = outputCount
    }
}
