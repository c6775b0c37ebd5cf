import Foundation
import ImageIO
import ImJoySchema
import ImJoyWorkflow

/// Runs built-in ops (`.builtin(name)` targets) in process.
///
/// Data: n-d arrays travel as the imjoy-rpc dict; an object holding exactly one n-d array (what
/// plugins return, e.g. `{"image": <ndarray>}`) stands for that array. Read ops take a path
/// string or `{path: …}`, relative to the workflow's folder. Results: arrays as the rpc dict,
/// `stats` as a JSON object, writers as `{"path": <path relative to the out dir>}`.
/// See docs/builtin-ops.md for every op's config and semantics.
public struct BuiltinInvoker: OpInvoker {
    /// The folder relative input paths are taken from (the workflow's folder).
    public let baseDirectory: String
    /// The HDF5 files this run writes (shared with the run's ``OutputWriter``).
    public let hdf5Files: SharedHDF5Files
    /// Provenance for the files `write-tiff` / `write-hdf5` write.
    public var provenance: ProvenanceBuilder?

    public init(baseDirectory: String, hdf5Files: SharedHDF5Files = SharedHDF5Files(), provenance: ProvenanceBuilder? = nil) {
        self.baseDirectory = baseDirectory
        self.hdf5Files = hdf5Files
        self.provenance = provenance
    }

    /// The names this invoker runs: the catalog in ``BuiltinOps`` (a test checks each has a kernel).
    public static let names: Set<String> = Set(BuiltinOps.names)

    public func invoke(_ call: OpCall) throws -> JSONValue {
        let name: String
        switch call.op.spec.target {
        case .plugin: throw BuiltinOpError.pluginOp(call.op.spec.target.description)
        case .builtin(let builtin): name = builtin
        }
        guard Self.names.contains(name) else { throw BuiltinOpError.unknownOp(name) }
        let context = Context(item: call.item, opID: call.op.id, outputDirectory: call.outputDirectory, cacheKey: call.cacheKey, loadData: call.loadData)
        return try run(name, data: call.data, config: Config(op: name, values: call.config), context: context)
    }

    /// `write-hdf5` takes lazy data: with the compressed chunks of an earlier write of the same
    /// data in the cache, it writes them and never loads the array.
    public func takesLazyData(_ op: PlannedOp) -> Bool {
        if case .builtin("write-hdf5") = op.spec.target { return hdf5Files.chunkStore != nil }
        return false
    }

    /// Runs built-in op `name` outside a workflow run: `config` as the op would receive it
    /// (missing keys take the catalog defaults), `item` and `opID` for output templates, and
    /// `cacheKey` the call's result-cache key (`write-hdf5` keeps its compressed chunks by it).
    public func run(
        _ name: String, data: JSONValue, config: JSONObject, item: WorkItem, opID: String, outputDirectory: String, cacheKey: String? = nil
    ) throws -> JSONValue {
        guard Self.names.contains(name) else { throw BuiltinOpError.unknownOp(name) }
        let context = Context(item: item, opID: opID, outputDirectory: outputDirectory, cacheKey: cacheKey)
        return try run(name, data: data, config: Config(op: name, values: config), context: context)
    }

    /// Runs `name` and gives its errors their built-in op form.
    private func run(_ name: String, data: JSONValue, config: Config, context: Context) throws -> JSONValue {
        do {
            return try run(name, data: data, config: config, call: context)
        } catch let error as BuiltinOpError {
            throw error
        } catch let error as KernelError {
            throw BuiltinOpError.invalidArray(op: name, reason: error.message)
        } catch let error as OutputPaths.Problem {
            throw BuiltinOpError.unsafePath(op: name, path: error.path, reason: error.reason)
        } catch {
            throw BuiltinOpError.fileError(op: name, reason: "\(error)")
        }
    }

    /// What the writers need to know about the call.
    private struct Context {
        var item: WorkItem
        var opID: String
        var outputDirectory: String
        var cacheKey: String?
        var loadData: (@Sendable (JSONValue) throws -> JSONValue)?
    }

    private func run(_ name: String, data: JSONValue, config: Config, call: Context) throws -> JSONValue {
        switch name {
        case "read-tiff":
            return try FileOps.readTIFF(inputURL(data, op: name)).rpcValue
        case "read-hdf5":
            return try FileOps.readHDF5(inputURL(data, op: name), dataset: config.string("dataset", default: "data")).rpcValue
        case "write-tiff":
            let array = try Self.array(from: data, op: name)
            let relative = try OutputPaths.relativePath(config.string("path", default: "{item}/{op}.tif"), item: call.item, op: call.opID)
            let compression = try FileOps.tiffCompression(
                config.choice("compression", ["deflate", "none", "lzw", "zstd"], default: "deflate"),
                level: config.integer("level", default: 6, range: 1...22))
            let imageJ = try config.yesNo("imagej", default: false)
            let url = try OutputPaths.prepareFile(relative, in: call.outputDirectory)
            try FileOps.writeTIFF(array, to: url, compression: compression, imageJ: imageJ, provenance: provenance?.text(op: call.opID, item: call.item))
            return ["path": .string(relative)]
        case "write-hdf5":
            let template = config.string("path", default: "{item}.h5")
            let shared = !OutputPaths.isPerItem(template)
            var relative = try OutputPaths.relativePath(template, item: call.item, op: call.opID)
            if shared { relative = hdf5Files.sharedPath(relative) }
            var dataset = try OutputPaths.expand(config.string("dataset", default: "{op}"), item: call.item, op: call.opID)
            if shared { dataset = call.item.key + "/" + dataset }
            dataset = try OutputPaths.checkedDatasetPath(dataset)
            let layout = try FileOps.hdf5Layout(
                config.choice("compression", ["gzip", "none"], default: "gzip"),
                level: config.integer("level", default: 4, range: 1...9))
            let contents: SharedHDF5Files.DatasetContents
            if call.loadData != nil, let key = call.cacheKey, let stored = hdf5Files.chunkStore?.storedChunks(for: key),
               HDF5Writer.canWrite(stored, layout: layout) {
                // The data is the array these chunks were compressed from (equal cache keys).
                contents = .storedChunks(stored)
            } else {
                contents = .array(try Self.array(from: call.loadData?(data) ?? data, op: name))
            }
            let url = try OutputPaths.prepareFile(relative, in: call.outputDirectory)
            try hdf5Files.add(contents: [(dataset, contents)], to: url, layout: layout, shared: shared,
                              provenance: provenance?.text(op: call.opID, item: call.item), chunkKey: call.cacheKey, item: call.item.key)
            return ["path": .string(relative), "dataset": .string(dataset)]
        case "gaussian":
            let array = try Self.array(from: data, op: name)
            let sigma = try config.numbers("sigma", default: 1, range: 0...1e6)
            let truncate = try config.number("truncate", default: 4, range: 1e-6...1e6)
            let mode = try BorderMode(rawValue: config.choice("mode", BorderMode.allCases.map(\.rawValue), default: "reflect"))!
            return try GaussianKernel.apply(array, sigma: sigma, truncate: truncate, mode: mode).rpcValue
        case "threshold":
            let array = try Self.array(from: data, op: name)
            let method = try ThresholdMethod(rawValue: config.choice("method", ThresholdMethod.allCases.map(\.rawValue), default: "otsu"))!
            let value = try config.number("value", default: 0, range: -Double.greatestFiniteMagnitude...Double.greatestFiniteMagnitude)
            let foreground = try config.integer("foreground", default: 1, range: 1...255)
            let threshold = try ThresholdKernel.threshold(array, method: method, value: value)
            return try ThresholdKernel.mask(array, threshold: threshold, foreground: UInt8(foreground)).rpcValue
        case "normalize":
            let array = try Self.array(from: data, op: name)
            let low = try config.number("low", default: 1, range: 0...100)
            let high = try config.number("high", default: 99.8, range: 0...100)
            let clip = try config.yesNo("clip", default: true)
            return try NormalizeKernel.normalize(array, low: low, high: high, clip: clip).rpcValue
        case "max-projection", "mean-projection":
            let array = try Self.array(from: data, op: name)
            let axis = try config.integer("axis", default: 0, range: 0...31)
            return try (name == "max-projection" ? ProjectionKernel.max(array, axis: axis) : ProjectionKernel.mean(array, axis: axis)).rpcValue
        case "crop":
            let array = try Self.array(from: data, op: name)
            return try CropKernel.crop(array, region: config.string("region", default: ":")).rpcValue
        case "convert-dtype":
            let array = try Self.array(from: data, op: name)
            let dtypeName = config.string("dtype", default: "float32")
            guard let dtype = DType(rawValue: dtypeName) else {
                throw BuiltinOpError.invalidConfig(op: name, parameter: "dtype", reason: "unknown dtype '\(dtypeName)' (\(DType.allCases.map(\.rawValue).joined(separator: ", ")))")
            }
            return try ConvertKernel.convert(array, to: dtype, rescale: config.yesNo("rescale", default: false)).rpcValue
        case "stats":
            return StatsKernel.json(try Self.array(from: data, op: name))
        default:
            throw BuiltinOpError.unknownOp(name)
        }
    }

    // MARK: - Data

    /// The n-d array in `data`: the rpc dict itself, or the single n-d array member of an object.
    public static func array(from data: JSONValue, op: String) throws -> NDArray {
        if isNDArray(data) { return try decode(data, op: op) }
        if let object = data.objectValue {
            let arrays = object.values.filter(isNDArray)
            if arrays.count == 1 { return try decode(arrays[0], op: op) }
            let reason = arrays.isEmpty
                ? "expected an n-d array as data, got an object without one (keys: \(object.keys.joined(separator: ", ")))"
                : "expected one n-d array as data, got an object with \(arrays.count) (keys: \(object.keys.joined(separator: ", ")))"
            throw BuiltinOpError.invalidData(op: op, reason: reason)
        }
        throw BuiltinOpError.invalidData(op: op, reason: "expected an n-d array as data, got \(data.typeName)")
    }

    /// Whether `value` is an imjoy-rpc ndarray dict.
    public static func isNDArray(_ value: JSONValue) -> Bool {
        value["_rtype"]?.stringValue == "ndarray"
    }

    private static func decode(_ value: JSONValue, op: String) throws -> NDArray {
        do {
            return try NDArray(rpcValue: value)
        } catch {
            throw BuiltinOpError.invalidData(op: op, reason: "\(error)")
        }
    }

    /// The file a read op's data names: a path string or `{path: …}`, relative to the base folder.
    private func inputURL(_ data: JSONValue, op: String) throws -> URL {
        guard let path = data.stringValue ?? data["path"]?.stringValue else {
            throw BuiltinOpError.invalidData(op: op, reason: "expected a file path (a string or {\"path\": …}) as data, got \(data.typeName)")
        }
        guard !path.isEmpty else { throw BuiltinOpError.invalidData(op: op, reason: "the file path is empty") }
        if path.hasPrefix("/") { return URL(fileURLWithPath: path) }
        let base = baseDirectory.hasPrefix("/")
            ? URL(fileURLWithPath: baseDirectory)
            : URL(fileURLWithPath: FileManager.default.currentDirectoryPath).appendingPathComponent(baseDirectory)
        return base.appendingPathComponent(path).standardizedFileURL
    }
}

/// Typed access to an op's config (defaults merged in by the planner; the given defaults cover
/// direct calls).
struct Config {
    let op: String
    let values: JSONObject

    private func invalid(_ key: String, _ reason: String) -> BuiltinOpError {
        .invalidConfig(op: op, parameter: key, reason: reason)
    }

    func string(_ key: String, default fallback: String) -> String {
        switch values[key] {
        case .string(let text)?: text
        case nil, .null?: fallback
        case let other?: other.serialized()
        }
    }

    func number(_ key: String, default fallback: Double, range: ClosedRange<Double>) throws -> Double {
        let value: Double
        switch values[key] {
        case nil, .null?: value = fallback
        case .string(let text)?:
            guard let parsed = Double(text.trimmingCharacters(in: .whitespaces)) else { throw invalid(key, "expected a number, got '\(text)'") }
            value = parsed
        case let other?:
            guard let number = other.doubleValue else { throw invalid(key, "expected a number, got \(other.typeName)") }
            value = number
        }
        guard value.isFinite, range.contains(value) else { throw invalid(key, "\(value) is outside \(range.lowerBound)...\(range.upperBound)") }
        return value
    }

    /// A number or a list of numbers (one per axis).
    func numbers(_ key: String, default fallback: Double, range: ClosedRange<Double>) throws -> [Double] {
        guard let list = values[key]?.arrayValue else { return [try number(key, default: fallback, range: range)] }
        guard !list.isEmpty else { throw invalid(key, "expected a number or a non-empty list of numbers") }
        return try list.map { item in
            guard let value = item.doubleValue, value.isFinite, range.contains(value) else {
                throw invalid(key, "\(item) is not a number in \(range.lowerBound)...\(range.upperBound)")
            }
            return value
        }
    }

    func integer(_ key: String, default fallback: Int, range: ClosedRange<Int>) throws -> Int {
        let value = try number(key, default: Double(fallback), range: Double(range.lowerBound)...Double(range.upperBound))
        guard value.rounded() == value else { throw invalid(key, "expected an integer, got \(value)") }
        return Int(value)
    }

    func choice(_ key: String, _ options: [String], default fallback: String) throws -> String {
        let value = string(key, default: fallback)
        guard options.contains(value) else { throw invalid(key, "'\(value)' is not one of \(options.joined(separator: ", "))") }
        return value
    }

    /// `yes`/`no` (also JSON booleans and `true`/`false`).
    func yesNo(_ key: String, default fallback: Bool) throws -> Bool {
        switch values[key] {
        case nil, .null?: return fallback
        case .bool(let flag)?: return flag
        case .string(let text)?:
            switch text.lowercased() {
            case "yes", "true", "1": return true
            case "no", "false", "0": return false
            default: throw invalid(key, "expected yes or no, got '\(text)'")
            }
        case let other?: throw invalid(key, "expected yes or no, got \(other.typeName)")
        }
    }
}
