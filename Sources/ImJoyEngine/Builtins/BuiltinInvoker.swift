import Foundation
import ImJoySchema
import ImJoyWorkflow
import ImageIO

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
    /// Arrays larger than this many bytes are not read into memory: read ops return a lazy array
    /// that chunk-wise ops extend and writers write block by block (docs/builtin-ops.md,
    /// "Larger than memory"). Default: physical memory.
    public var memoryLimit: Int = NDArray.maximumByteCount
    /// How the read ops reach `http(s)://` and `s3://` inputs.
    public var remote: RemoteInputs

    public init(
        baseDirectory: String, hdf5Files: SharedHDF5Files = SharedHDF5Files(), provenance: ProvenanceBuilder? = nil,
        remote: RemoteInputs = .outsideRuns
    ) {
        self.baseDirectory = baseDirectory
        self.hdf5Files = hdf5Files
        self.provenance = provenance
        self.remote = remote
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
        let context = Context(
            item: call.item, opID: call.op.id, outputDirectory: call.outputDirectory, cacheKey: call.cacheKey, loadData: call.loadData)
        return try run(name, data: call.data, config: Self.config(name, call.config), context: context)
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
        return try run(name, data: data, config: Self.config(name, config), context: context)
    }

    /// The typed config of op `name` (a known name).
    private static func config(_ name: String, _ values: JSONObject) -> BuiltinConfig {
        BuiltinConfig(declaration: BuiltinOps.declaration(name)!, values: values)
    }

    /// Runs `name` and gives its errors their built-in op form.
    private func run(_ name: String, data: JSONValue, config: BuiltinConfig, context: Context) throws -> JSONValue {
        do {
            return try run(name, data: data, config: config, call: context)
        } catch let error as BuiltinOpError {
            throw error
        } catch let error as KernelError {
            throw BuiltinOpError.invalidArray(op: name, reason: error.message)
        } catch let error as OutputPaths.Problem {
            throw BuiltinOpError.unsafePath(op: name, path: error.path, reason: error.reason)
        } catch let error as ArrayFormatError {
            throw BuiltinOpError.invalidArray(op: name, reason: error.description)
        } catch let error as ZarrError {
            throw BuiltinOpError.fileError(op: name, reason: error.description)
        } catch {
            throw BuiltinOpError.fileError(op: name, reason: "\(error)")
        }
    }

    /// What the writers need to know about the call.
    struct Context {
        var item: WorkItem
        var opID: String
        var outputDirectory: String
        var cacheKey: String?
        var loadData: (@Sendable (JSONValue) throws -> JSONValue)?
    }

    func run(_ name: String, data: JSONValue, config: BuiltinConfig, call: Context) throws -> JSONValue {
        if let lazy = Self.lazyMember(of: data) { return try runChunkwise(name, lazy: lazy, config: config, call: call) }
        switch name {
        case "read-tiff":
            let location = try inputLocation(data, op: name)
            if case .local(let url) = location, let lazy = try lazyRead(url, format: TIFFFormat(), name: nil) { return lazy }
            return try readFile(location, format: TIFFFormat(), name: nil).rpcValue
        case "read-hdf5":
            let location = try inputLocation(data, op: name)
            let dataset = config.string("dataset")
            if case .local(let url) = location, let lazy = try lazyRead(url, format: HDF5Format(), name: dataset) { return lazy }
            return try readFile(location, format: HDF5Format(), name: dataset).rpcValue
        case "read-zarr":
            let location = try inputLocation(data, op: name)
            if case .local(let url) = location, let lazy = try lazyZarrRead(url, config: config) { return lazy }
            return try ZarrOps.read(remote.zarrStores.open(location.text), config: config).rpcValue
        case "write-tiff":
            return try writeTIFF(data, config: config, call: call)
        case "write-zarr":
            return try ZarrOps.write(
                Self.array(from: data, op: name), config: config, item: call.item, opID: call.opID,
                outputDirectory: call.outputDirectory, provenance: provenance?.text(op: call.opID, item: call.item))
        case "write-hdf5":
            return try writeHDF5(data, config: config, call: call)
        case "gaussian":
            let array = try Self.array(from: data, op: name)
            let mode = try BorderMode(rawValue: config.choice("mode"))!
            return try GaussianKernel.apply(array, sigma: config.numbers("sigma"), truncate: config.number("truncate"), mode: mode)
                .keeping(array.metadata).rpcValue
        case "threshold":
            let array = try Self.array(from: data, op: name)
            let method = try ThresholdMethod(rawValue: config.choice("method"))!
            let threshold = try ThresholdKernel.threshold(array, method: method, value: config.number("value"))
            return try ThresholdKernel.mask(array, threshold: threshold, foreground: UInt8(config.integer("foreground"))).keeping(
                array.metadata
            ).rpcValue
        case "normalize":
            let array = try Self.array(from: data, op: name)
            return try NormalizeKernel.normalize(array, low: config.number("low"), high: config.number("high"), clip: config.yesNo("clip"))
                .keeping(array.metadata).rpcValue
        case "max-projection", "mean-projection":
            let array = try Self.array(from: data, op: name)
            let axis = try config.integer("axis")
            let projected =
                try name == "max-projection" ? ProjectionKernel.max(array, axis: axis) : ProjectionKernel.mean(array, axis: axis)
            return projected.keeping(array.metadata?.removingAxis(axis)).rpcValue
        case "crop":
            let array = try Self.array(from: data, op: name)
            // The region keeps every axis (steps aside, the pixel size is unchanged).
            return try CropKernel.crop(array, region: config.string("region")).keeping(array.metadata).rpcValue
        case "convert-dtype":
            let array = try Self.array(from: data, op: name)
            let dtype = try DType(rawValue: config.choice("dtype"))!
            return try ConvertKernel.convert(array, to: dtype, rescale: config.yesNo("rescale")).keeping(array.metadata).rpcValue
        case "stats":
            return StatsKernel.json(try Self.array(from: data, op: name))
        default:
            throw BuiltinOpError.unknownOp(name)
        }
    }

    /// The compression `config` asks of `format` (its `compression` and `level`, the level's
    /// default and range from ImageIO's registry).
    private static func compression(_ config: BuiltinConfig, format: any ArrayFormat) throws -> Compression {
        let name = try config.choice("compression")
        let level = try config.optionalInteger("level")
        do {
            return try format.compression(named: name, level: level)
        } catch {
            throw BuiltinOpError.invalidConfig(op: config.declaration.name, parameter: "level", reason: error.description)
        }
    }

    private func writeTIFF(_ data: JSONValue, config: BuiltinConfig, call: Context) throws -> JSONValue {
        let array = try Self.array(from: data, op: "write-tiff")
        let relative = try OutputPaths.relativePath(config.string("path"), item: call.item, op: call.opID)
        let options = try tiffWriteOptions(config, call: call)
        try TIFFFormat().write(array, to: OutputPaths.prepareFile(relative, in: call.outputDirectory), options: options)
        return ["path": .string(relative)]
    }

    /// `write-tiff`'s options: compression and level, ImageJ metadata, BigTIFF, tiles, levels, provenance.
    func tiffWriteOptions(_ config: BuiltinConfig, call: Context) throws -> ArrayWriteOptions {
        let format = TIFFFormat()
        var options = ArrayWriteOptions(
            compression: try Self.compression(config, format: format), provenance: provenance?.text(op: call.opID, item: call.item))
        options.imageJ = try config.yesNo("imagej")
        switch try config.choice("bigtiff") {
        case "yes": options.largeFile = true
        case "no": options.largeFile = false
        default: options.largeFile = nil  // automatic: BigTIFF from 4 GiB on
        }
        let tile = try config.integer("tile")
        if tile > 0 {
            guard tile % 16 == 0 else {
                throw BuiltinOpError.invalidConfig(
                    op: config.declaration.name, parameter: "tile", reason: "\(tile) is not a multiple of 16 (TIFF tiles are; 0: strips)")
            }
            options.tileShape = [tile, tile]
        }
        options.pyramidLevels = try config.integer("levels")
        return options
    }

    /// `write-hdf5`: `lazy` is the array when it is larger than the memory limit (written slab by slab).
    func writeHDF5(_ data: JSONValue, config: BuiltinConfig, call: Context, lazy: LazyArray? = nil) throws -> JSONValue {
        let template = config.string("path")
        let shared = !OutputPaths.isPerItem(template)
        var relative = try OutputPaths.relativePath(template, item: call.item, op: call.opID)
        if shared { relative = hdf5Files.sharedPath(relative) }
        var dataset = try OutputPaths.expand(config.string("dataset"), item: call.item, op: call.opID)
        if shared { dataset = call.item.key + "/" + dataset }
        dataset = try OutputPaths.checkedDatasetPath(dataset)
        let layout = try HDF5Format.layout(for: Self.compression(config, format: HDF5Format()))
        let contents: SharedHDF5Files.DatasetContents
        if let lazy {
            contents = .source(lazy, blockBytes: writeBlockBytes)
        } else if call.loadData != nil, let key = call.cacheKey, let stored = hdf5Files.chunkStore?.stored(for: key),
            HDF5Writer.canWrite(stored.chunks, layout: layout)
        {
            // The data is the array these chunks were compressed from (equal cache keys).
            contents = .storedChunks(stored.chunks, metadata: stored.metadata)
        } else {
            contents = .array(try Self.array(from: call.loadData?(data) ?? data, op: "write-hdf5"))
        }
        let url = try OutputPaths.prepareFile(relative, in: call.outputDirectory)
        try hdf5Files.add(
            contents: [(dataset, contents)], to: url, layout: layout, shared: shared,
            provenance: provenance?.text(op: call.opID, item: call.item), chunkKey: call.cacheKey, item: call.item.key)
        return ["path": .string(relative), "dataset": .string(dataset)]
    }

    // MARK: - Data

    /// The n-d array in `data`: the rpc dict itself, or the single n-d array member of an object.
    public static func array(from data: JSONValue, op: String) throws -> NDArray {
        if isNDArray(data) { return try decode(data, op: op) }
        if let object = data.objectValue {
            let arrays = object.values.filter(isNDArray)
            if arrays.count == 1 { return try decode(arrays[0], op: op) }
            let reason =
                arrays.isEmpty
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
        if LazyArray.isLazy(value) { return try materialised(value, op: op) }
        do {
            return try NDArray(rpcValue: value)
        } catch {
            throw BuiltinOpError.invalidData(op: op, reason: "\(error)")
        }
    }

    /// The local file a read op's data names (a remote URL is refused: lazy reads are local).
    func inputURL(_ data: JSONValue, op: String) throws -> URL {
        switch try inputLocation(data, op: op) {
        case .local(let url): return url
        case .remote(let location):
            throw BuiltinOpError.invalidData(op: op, reason: "\(location) is remote; \(op) needs a local file here")
        }
    }

    /// Reads the file at `location`; a remote one is fetched into a temporary file first.
    private func readFile(_ location: InputLocation, format: any ArrayFormat, name: String?) throws -> NDArray {
        switch location {
        case .local(let url): return try FileOps.read(url, format: format, name: name)
        case .remote(let location): return try remote.withFetchedFile(location) { try FileOps.read($0, format: format, name: name) }
        }
    }

    /// The file a read op's data names: a path string or `{path: …}`, relative to the base
    /// folder, or an `http(s)://`/`s3://` URL.
    func inputLocation(_ data: JSONValue, op: String) throws -> InputLocation {
        guard let path = data.stringValue ?? data["path"]?.stringValue else {
            throw BuiltinOpError.invalidData(
                op: op, reason: "expected a file path (a string or {\"path\": …}) as data, got \(data.typeName)")
        }
        guard !path.isEmpty else { throw BuiltinOpError.invalidData(op: op, reason: "the file path is empty") }
        if RemoteLocation.isRemote(path) {
            do { return .remote(try RemoteLocation(parsing: path)) } catch {
                throw BuiltinOpError.invalidData(op: op, reason: error.description)
            }
        }
        if path.hasPrefix("/") { return .local(URL(fileURLWithPath: path)) }
        let base =
            baseDirectory.hasPrefix("/")
            ? URL(fileURLWithPath: baseDirectory)
            : URL(fileURLWithPath: FileManager.default.currentDirectoryPath).appendingPathComponent(baseDirectory)
        return .local(base.appendingPathComponent(path).standardizedFileURL)
    }
}

/// A read op's input: a local file or a remote URL.
enum InputLocation {
    case local(URL)
    case remote(RemoteLocation)

    /// The path, or the URL as written.
    var text: String {
        switch self {
        case .local(let url): url.path
        case .remote(let location): location.description
        }
    }
}
