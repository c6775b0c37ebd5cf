import ImJoySchema
import ImageIO

extension LazyArray {
    /// The rpc ndarray dict of this lazy array: `_rtype`, `_rshape`, `_rdtype` and `_rmetadata` as
    /// for an array in memory (so `ndarray` schemas check shape and dtype), no `_rvalue`, and
    /// `_rlazy` recording the source file and the chunk-wise ops.
    var rpcValue: JSONValue {
        var object = JSONObject()
        object["_rtype"] = "ndarray"
        object["_rshape"] = .array(shape.map { .integer(Int64($0)) })
        object["_rdtype"] = .string(dtype.rawValue)
        if let metadata { object["_rmetadata"] = metadata.jsonValue }
        object["_rlazy"] = ["source": source.json, "transforms": .array(transforms.map(\.json))]
        return .object(object)
    }

    /// Whether `value` is the rpc dict of a lazy array.
    static func isLazy(_ value: JSONValue) -> Bool {
        value["_rtype"]?.stringValue == "ndarray" && value["_rlazy"] != nil
    }

    /// The lazy array of an rpc dict with `_rlazy`, opened.
    init(rpcValue value: JSONValue, blockBudget: Int) throws {
        guard let lazy = value["_rlazy"], let source = lazy["source"].flatMap(LazySource.init(json:)) else {
            throw KernelError("malformed lazy array (no _rlazy source)")
        }
        let transforms = try (lazy["transforms"]?.arrayValue ?? []).map(Self.transform)
        try self.init(source: source, transforms: transforms, blockBudget: blockBudget)
        guard LazySource.fingerprint(source.path) == source.fingerprint else {
            throw KernelError("\(source.path) changed since it was opened (size or modification time)")
        }
    }

    /// A transform from its recorded form.
    private static func transform(_ value: JSONValue) throws -> any ChunkwiseTransform {
        switch value["op"]?.stringValue {
        case "gaussian":
            guard let sigmas = value["sigma"]?.arrayValue?.compactMap(\.doubleValue), let truncate = value["truncate"]?.doubleValue,
                let mode = value["mode"]?.stringValue.flatMap(BorderMode.init(rawValue:))
            else { break }
            return GaussianTransform(sigmas: sigmas, truncate: truncate, mode: mode)
        case "threshold":
            guard let threshold = exactNumber(value["value"]), let foreground = value["foreground"]?.intValue else { break }
            return ThresholdTransform(threshold: threshold, foreground: UInt8(clamping: foreground))
        case "normalize":
            guard let lo = exactNumber(value["lo"]), let hi = exactNumber(value["hi"]), let clip = value["clip"]?.boolValue else { break }
            return NormalizeTransform(lo: lo, hi: hi, clip: clip)
        case "crop":
            guard let region = value["region"]?.stringValue, let shape = value["input_shape"]?.arrayValue?.compactMap(\.intValue) else {
                break
            }
            return try CropTransform(region: region, inputShape: shape)
        case "convert-dtype":
            guard let dtype = value["dtype"]?.stringValue.flatMap(DType.init(rawValue:)) else { break }
            guard let rescale = value["rescale"] else { return ConvertTransform(dtype: dtype) }
            guard let low = exactNumber(rescale["min"]), let high = exactNumber(rescale["max"]) else { break }
            return ConvertTransform(dtype: dtype, rescale: (low, high))
        case "max-projection", "mean-projection":
            guard let axis = value["axis"]?.intValue else { break }
            return ProjectionTransform(axis: axis, isMean: value["op"]?.stringValue == "mean-projection")
        default: break
        }
        throw KernelError("malformed lazy array transform \(value)")
    }

    /// A float64 in a transform's record that reads back bit for bit: a JSON number when finite
    /// (the shortest round-trip text), else `"nan"`, `"inf"` or `"-inf"` (JSON has no such numbers).
    static func exactNumber(_ value: Double) -> JSONValue {
        value.isFinite ? .number(value) : .string(value.isNaN ? "nan" : value > 0 ? "inf" : "-inf")
    }

    /// The float64 of an ``exactNumber(_:)`` record.
    static func exactNumber(_ value: JSONValue?) -> Double? {
        switch value?.stringValue {
        case "nan": .nan
        case "inf": .infinity
        case "-inf": -.infinity
        default: value?.doubleValue
        }
    }
}
