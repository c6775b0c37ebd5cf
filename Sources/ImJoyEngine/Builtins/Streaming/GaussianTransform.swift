import ImJoySchema
import ImageIO

/// `gaussian` on a block: the input box is the output box grown by the kernel radius
/// (`Int(truncate · sigma + 0.5)`) on each smoothed axis — exactly the positions the border
/// rule maps the taps to — and the block is smoothed with the same 1-d passes, axis by axis, as
/// the whole array, so the values are bit-identical.
///
/// Mode `wrap` asks for the box grown by the radius *past* the array's ends (positions below 0
/// or from `n` on), which ``LazyArray`` reads wrapped around from the other end; the taps then
/// index that padded block directly (``wrapWindow(axis:count:inputStart:outputBox:)``).
struct GaussianTransform: ChunkwiseTransform {
    var sigmas: [Double]
    var truncate: Double
    var mode: BorderMode

    var op: String { "gaussian" }
    var kind: ChunkwiseKind { .halo(sigmas.map { $0 > 1e-15 ? Int(truncate * $0 + 0.5) : 0 }) }
    func outputShape(_ shape: [Int]) -> [Int] { shape }
    func outputDType(_ dtype: DType) -> DType { .float32 }
    /// The float32 copy and one spare float32 block per pass.
    var workingBytesPerElement: Int { 12 }

    /// The taps of `axis`, or `nil` when the axis is left as is.
    private func taps(_ axis: Int) -> [Float]? {
        guard sigmas[axis] > 1e-15 else { return nil }
        let weights = GaussianKernel.weights(sigma: sigmas[axis], truncate: truncate)
        return weights.count > 1 ? weights : nil
    }

    func inputBox(for box: ArrayBox, inputShape: [Int]) -> ArrayBox {
        var result = box
        for axis in box.shape.indices {
            guard let weights = taps(axis), box.shape[axis] > 0 else { continue }
            let radius = weights.count / 2
            if mode == .wrap {
                result.origin[axis] = box.origin[axis] - radius
                result.shape[axis] = box.shape[axis] + 2 * radius
                continue
            }
            let n = inputShape[axis]
            var low = Int.max
            var high = Int.min
            for p in 0..<(box.shape[axis] + 2 * radius) {
                let index = mode.sourceIndex(box.origin[axis] + p - radius, count: n)
                guard index >= 0 else { continue }
                low = min(low, index)
                high = max(high, index)
            }
            guard low <= high else { continue }
            result.origin[axis] = low
            result.shape[axis] = high - low + 1
        }
        return result
    }

    func apply(_ input: NDArray, inputBox: ArrayBox, outputBox: ArrayBox, inputShape: [Int]) throws -> NDArray {
        var current = try GaussianKernel.toFloat32(input)
        var origin = inputBox.origin
        for axis in inputShape.indices {
            guard let weights = taps(axis), current.count > 0 else { continue }
            var shape = current.shape
            shape[axis] = outputBox.shape[axis]
            var output = try NDArray(zeros: shape, dtype: .float32, limit: .max)
            let window =
                mode == .wrap
                ? Self.wrapWindow(count: inputShape[axis], inputStart: origin[axis], outputBox: outputBox, axis: axis)
                : AxisWindow(
                    length: inputShape[axis], inputStart: origin[axis], outputStart: outputBox.origin[axis],
                    outputCount: outputBox.shape[axis])
            GaussianKernel.correlate(current, into: &output, axis: axis, weights: weights, mode: mode, window: window)
            origin[axis] = outputBox.origin[axis]
            current = output
        }
        guard current.shape == outputBox.shape else {
            return try current.read(origin: zip(outputBox.origin, origin).map { $0 - $1 }, shape: outputBox.shape)
        }
        return current
    }

    /// The window of a wrapped block: the block already holds the wrapped values at every
    /// position it covers, so positions are shifted by a whole number of periods to be
    /// non-negative and looked up in an axis too long to wrap again — each tap reads the element
    /// `wrap` maps it to, as in the whole array.
    static func wrapWindow(count: Int, inputStart: Int, outputBox: ArrayBox, axis: Int) -> AxisWindow {
        let shift = count * (max(0, -inputStart) / count + 1)
        return AxisWindow(
            length: 1 << 60, inputStart: inputStart + shift, outputStart: outputBox.origin[axis] + shift,
            outputCount: outputBox.shape[axis])
    }

    var json: JSONValue {
        ["op": "gaussian", "sigma": .array(sigmas.map { .number($0) }), "truncate": .number(truncate), "mode": .string(mode.rawValue)]
    }
}
