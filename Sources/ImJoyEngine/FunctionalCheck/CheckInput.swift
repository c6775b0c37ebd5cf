import Foundation
import ImJoySchema
import ImageIO

/// One value the checker passes as `ctx.data`, with the label the report uses for it.
public struct CheckInput: Sendable {
    /// `a.tif`, `data.json`, `generated #1`.
    public var label: String
    /// `ctx.data` of the calls on this input.
    public var data: JSONValue

    public init(label: String, data: JSONValue) {
        self.label = label
        self.data = data
    }

    /// The placeholder in a `--data` template that stands for an input file's value.
    public static let placeholder = "$input"

    /// The inputs of a check (docs/reproducibility.md, "What ctx.data is"):
    /// - each file of `files` read (TIFF → array, HDF5 `FILE.h5[:DATASET]` → array, JSON → value),
    ///   put where `template` holds `"$input"`, else wrapped as `{NAME: value}` when the op's
    ///   `inputs` schema has exactly one property NAME, else passed as it is;
    /// - no files: `template` itself, or two inputs generated from the `inputs` schema.
    static func make(files: [String], template: JSONValue?, inputsSchema: JSONValue?) throws(FunctionalCheckError) -> [CheckInput] {
        if files.isEmpty {
            if let template { return [CheckInput(label: "the --data value", data: template)] }
            return (1...2).map { CheckInput(label: "generated #\($0)", data: generated(schema: inputsSchema, seed: $0)) }
        }
        var inputs: [CheckInput] = []
        for file in files {
            let value = try read(file)
            let data: JSONValue
            if let template {
                data = substitute(template, value)
            } else if let properties = properties(of: inputsSchema), properties.count == 1 {
                data = [properties.keys[0]: value]
            } else {
                data = value
            }
            inputs.append(CheckInput(label: URL(fileURLWithPath: file).lastPathComponent, data: data))
        }
        return inputs
    }

    /// An input's file path and, for `FILE.h5:DATASET` (any container format's extension), the dataset.
    static func split(_ file: String) -> (path: String, dataset: String?) {
        let registry = ArrayFormatRegistry.standard
        for format in registry.formats where format.capabilities.contains(.namedArrays) {
            for ext in format.fileExtensions {
                if let colon = file.range(of: ".\(ext):") {
                    return (String(file[..<file.index(before: colon.upperBound)]), String(file[colon.upperBound...]))
                }
            }
        }
        return (file, nil)
    }

    /// The value of one input file: an array in a registered format (ImageIO's
    /// ``ArrayFormatRegistry``), or JSON.
    static func read(_ file: String) throws(FunctionalCheckError) -> JSONValue {
        let (path, dataset) = split(file)
        guard FileManager.default.fileExists(atPath: path) else { throw .input(file: file, reason: "no such file") }
        let url = URL(fileURLWithPath: path)
        do {
            if url.pathExtension.lowercased() == "json" {
                return try JSONValue(jsonBytes: [UInt8](Data(contentsOf: url)))
            }
            guard let format = ArrayFormatRegistry.standard.format(for: url) else {
                throw FunctionalCheckError.input(
                    file: file, reason: "not an array file (\(ArrayFormatRegistry.standard.extensionList)) or JSON (.json)")
            }
            if let dataset { return try format.read(url, name: dataset).rpcValue }
            guard format.capabilities.contains(.namedArrays) else { return try format.read(url, name: nil).rpcValue }
            let datasets = try format.arrayNames(in: url)
            guard datasets.count == 1 else {
                throw FunctionalCheckError.input(
                    file: file,
                    reason:
                        "holds \(datasets.count) datasets; name one as \(path):DATASET (have: \(datasets.prefix(10).joined(separator: ", ")))"
                )
            }
            return try format.read(url, name: datasets[0]).rpcValue
        } catch let error as FunctionalCheckError {
            throw error
        } catch {
            throw .input(file: file, reason: "\(error)")
        }
    }

    /// `template` with every `"$input"` string replaced by `value`.
    static func substitute(_ template: JSONValue, _ value: JSONValue) -> JSONValue {
        switch template {
        case .string(placeholder): value
        case .array(let items): .array(items.map { substitute($0, value) })
        case .object(let object): .object(object.mapValues { substitute($0, value) })
        default: template
        }
    }

    /// The properties of an `inputs` schema: a full object schema's `properties`, or ImJoy's bare
    /// properties map.
    static func properties(of schema: JSONValue?) -> JSONObject? {
        guard let object = schema?.objectValue, !object.isEmpty else { return nil }
        if let properties = object["properties"]?.objectValue { return properties }
        if object["type"] != nil || object["ndarray"] != nil { return nil }
        return object
    }

    // MARK: - Generated inputs

    /// A value fitting `schema`: per property an array for `ndarray` (its dtype, 32×32 or
    /// 4×32×32 by `ndim`), `default`/`examples[0]`, else 1, "a", true, [] or {} by type; without a
    /// schema a 32×32 uint16 array. `seed` makes the inputs differ.
    static func generated(schema: JSONValue?, seed: Int) -> JSONValue {
        guard let schema else { return array(dtype: .uint16, shape: [32, 32], seed: seed) }
        if let properties = properties(of: schema) {
            return .object(properties.mapValues { generated(schema: $0, seed: seed) })
        }
        if let value = schema["default"] ?? schema["examples"]?[0] { return value }
        if let ndarray = schema["ndarray"] {
            let dtype = (ndarray["dtype"]?.stringValue ?? ndarray["dtype"]?[0]?.stringValue).flatMap(DType.init(rawValue:)) ?? .uint16
            let ndim = ndarray["ndim"]?.intValue ?? ndarray["ndim"]?[0]?.intValue ?? 2
            return array(dtype: dtype, shape: Array(repeating: 4, count: max(0, ndim - 2)) + [32, 32].suffix(ndim), seed: seed)
        }
        switch schema["type"]?.stringValue {
        case "number", "integer": return .integer(Int64(seed))
        case "string": return .string(seed == 1 ? "a" : "b")
        case "boolean": return .bool(seed == 1)
        case "array": return []
        case "object": return [:]
        default: return array(dtype: .uint16, shape: [32, 32], seed: seed)
        }
    }

    /// A deterministic pseudo-random array (values 0–4095, as floats 0–1 for float dtypes).
    static func array(dtype: DType, shape: [Int], seed: Int) -> JSONValue {
        var state = UInt64(seed) &* 0x9E37_79B9_7F4A_7C15 &+ 1
        let count = shape.reduce(1, *)
        let values: [Double] = (0..<count).map { _ in
            state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
            return Double((state >> 33) % 4096)
        }
        let scaled = dtype.isFloatingPoint ? values.map { $0 / 4095 } : values
        // Shapes and counts are small and valid, so these cannot fail.
        return try! NDArray(shape: shape, elements: scaled).converted(to: dtype).rpcValue
    }
}
