import ImJoySchema
import ImageIO

/// `threshold`: a uint8 mask, element by element, with `method: value`'s value or the threshold
/// a statistics pass computed for `otsu` or `mean` (``ThresholdKernel/threshold(_:method:value:blockBytes:)``).
struct ThresholdTransform: ChunkwiseTransform {
    var threshold: Double
    var foreground: UInt8

    var op: String { "threshold" }
    var kind: ChunkwiseKind { .pointwise }
    func outputShape(_ shape: [Int]) -> [Int] { shape }
    func outputDType(_ dtype: DType) -> DType { .uint8 }
    func inputBox(for box: ArrayBox, inputShape: [Int]) -> ArrayBox { box }

    func apply(_ input: NDArray, inputBox: ArrayBox, outputBox: ArrayBox, inputShape: [Int]) throws -> NDArray {
        try ThresholdKernel.mask(input, threshold: threshold, foreground: foreground)
    }

    var json: JSONValue { ["op": "threshold", "value": LazyArray.exactNumber(threshold), "foreground": .integer(Int64(foreground))] }
}

/// `normalize` after its percentile passes (``NormalizeKernel/percentiles(_:_:blockBytes:collectLimit:)``):
/// `lo` and `hi` are the percentiles, scaled element by element as in memory.
struct NormalizeTransform: ChunkwiseTransform {
    var lo: Double
    var hi: Double
    var clip: Bool

    var op: String { "normalize" }
    var kind: ChunkwiseKind { .pointwise }
    func outputShape(_ shape: [Int]) -> [Int] { shape }
    func outputDType(_ dtype: DType) -> DType { .float32 }
    func inputBox(for box: ArrayBox, inputShape: [Int]) -> ArrayBox { box }

    func apply(_ input: NDArray, inputBox: ArrayBox, outputBox: ArrayBox, inputShape: [Int]) throws -> NDArray {
        try NormalizeKernel.scale(input, lo: lo, hi: hi, clip: clip)
    }

    var json: JSONValue {
        ["op": "normalize", "lo": LazyArray.exactNumber(lo), "hi": LazyArray.exactNumber(hi), "clip": .bool(clip)]
    }
}

/// `convert-dtype`: without `rescale`, numpy `astype` (float → integer clipped), element by
/// element; with it, after a pass finding the array's extremes (``StatsKernel/summary(_:blockBytes:)``),
/// `rescale.min ... rescale.max` mapped onto the target's range as in memory.
struct ConvertTransform: ChunkwiseTransform {
    var dtype: DType
    /// The whole array's minimum and maximum as float64 (NaN when it holds NaN), when rescaling.
    var rescale: (min: Double, max: Double)? = nil

    var op: String { "convert-dtype" }
    var kind: ChunkwiseKind { .pointwise }
    func outputShape(_ shape: [Int]) -> [Int] { shape }
    func outputDType(_ input: DType) -> DType { dtype }
    func inputBox(for box: ArrayBox, inputShape: [Int]) -> ArrayBox { box }

    func apply(_ input: NDArray, inputBox: ArrayBox, outputBox: ArrayBox, inputShape: [Int]) throws -> NDArray {
        guard let rescale else { return try ConvertKernel.convert(input, to: dtype, rescale: false) }
        return try ConvertKernel.convert(input, to: dtype, mapping: ConvertKernel.Rescale(min: rescale.min, max: rescale.max, to: dtype))
    }

    var json: JSONValue {
        guard let rescale else { return ["op": "convert-dtype", "dtype": .string(dtype.rawValue)] }
        return [
            "op": "convert-dtype", "dtype": .string(dtype.rawValue),
            "rescale": ["min": LazyArray.exactNumber(rescale.min), "max": LazyArray.exactNumber(rescale.max)],
        ]
    }
}

/// `max-projection` / `mean-projection`: a reduction along `axis`.
struct ProjectionTransform: ChunkwiseTransform {
    var axis: Int
    var isMean: Bool

    var op: String { isMean ? "mean-projection" : "max-projection" }
    var kind: ChunkwiseKind { .reduction(axis: axis) }

    func outputShape(_ shape: [Int]) -> [Int] {
        var output = shape
        output.remove(at: axis)
        return output
    }

    func outputDType(_ dtype: DType) -> DType { isMean ? .float32 : dtype }
    func outputMetadata(_ metadata: ArrayMetadata?) -> ArrayMetadata? { metadata?.removingAxis(axis) }

    func inputBox(for box: ArrayBox, inputShape: [Int]) -> ArrayBox {
        var origin = box.origin
        var shape = box.shape
        origin.insert(0, at: axis)
        shape.insert(inputShape[axis], at: axis)
        return ArrayBox(origin: origin, shape: shape)
    }

    func apply(_ input: NDArray, inputBox: ArrayBox, outputBox: ArrayBox, inputShape: [Int]) throws -> NDArray {
        try isMean ? ProjectionKernel.mean(input, axis: axis) : ProjectionKernel.max(input, axis: axis)
    }

    var json: JSONValue { ["op": .string(op), "axis": .integer(Int64(axis))] }
}
