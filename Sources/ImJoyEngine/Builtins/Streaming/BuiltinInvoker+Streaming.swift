import Foundation
import ImJoySchema
import ImJoyWorkflow
import ImageIO

/// Built-in ops on arrays larger than ``BuiltinInvoker/memoryLimit`` (docs/builtin-ops.md,
/// "Larger than memory"): read ops return a ``LazyArray``; chunk-wise ops (``ChunkwiseTransform``)
/// extend it — `threshold` (otsu, mean), `normalize` and `convert-dtype` (rescale) after statistics
/// passes over its blocks (StatisticsPasses.swift); `stats` is such passes alone; `write-zarr`,
/// `write-tiff` and `write-hdf5` write it block by block; any other op gets the whole array when
/// it fits, else a ``BuiltinOpError/tooLarge(op:item:shape:dtype:byteCount:limit:reason:)``.
extension BuiltinInvoker {
    /// The working memory of one block (input with halo, temporaries, output).
    var blockBudget: Int { max(memoryLimit / 2, 64 << 10) }
    /// The bytes of output a streaming writer asks for at a time.
    var writeBlockBytes: Int { max(memoryLimit / 16, 16 << 10) }

    /// The values a statistics pass may collect per searched bucket (``NormalizeKernel/select(_:_:ranks:blockBytes:collectLimit:)``):
    /// with up to four buckets, at most half the block budget of float64s.
    var collectLimit: Int { max(blockBudget / 64, 1024) }

    /// The ops that extend a lazy array, for messages.
    static let chunkwiseOps =
        "gaussian, threshold, normalize, crop, convert-dtype, max-projection, mean-projection, stats"

    /// The rpc dict of a lazy array for the array at `url` when it is larger than the memory
    /// limit; `nil` when it fits (or cannot be opened lazily: the in-memory read reports why).
    func lazyRead(_ url: URL, format: any ArrayFormat, name: String?, level: Int = 0) throws -> JSONValue? {
        guard let opened = try? format.source(url, name: name), opened.byteCount > memoryLimit else { return nil }
        return try LazyArray(source: LazySource(format: format.name, url: url, name: name, level: level), blockBudget: blockBudget).rpcValue
    }

    /// `read-zarr`'s lazy array (image and level as ``ZarrOps/read(_:config:)`` picks them).
    func lazyZarrRead(_ url: URL, config: BuiltinConfig) throws -> JSONValue? {
        let image = config.string("image").split(separator: "/").joined(separator: "/")
        let level = try config.integer("level")
        guard let opened = try? ZarrArraySource(image: ZarrFormat().imageURL(url, name: image), level: level),
            opened.byteCount > memoryLimit
        else { return nil }
        return try LazyArray(source: LazySource(format: "zarr", url: url, name: image, level: level), blockBudget: blockBudget).rpcValue
    }

    /// The lazy rpc dict in `data`: `data` itself, or the only n-d array member of an object.
    static func lazyMember(of data: JSONValue) -> JSONValue? {
        if LazyArray.isLazy(data) { return data }
        guard let arrays = data.objectValue?.values.filter(isNDArray), arrays.count == 1, LazyArray.isLazy(arrays[0]) else { return nil }
        return arrays[0]
    }

    /// Runs op `name` on a lazy array.
    func runChunkwise(_ name: String, lazy value: JSONValue, config: BuiltinConfig, call: Context) throws -> JSONValue {
        let lazy = try LazyArray(rpcValue: value, blockBudget: blockBudget)
        let transform: any ChunkwiseTransform
        switch name {
        case "gaussian": transform = try gaussianTransform(config, rank: lazy.shape.count, lazy: lazy, call: call)
        case "threshold":
            // otsu and mean: statistics passes over the blocks first.
            let method = try ThresholdMethod(rawValue: config.choice("method"))!
            let threshold = try ThresholdKernel.threshold(lazy, method: method, value: config.number("value"), blockBytes: writeBlockBytes)
            transform = ThresholdTransform(threshold: threshold, foreground: UInt8(try config.integer("foreground")))
        case "normalize":
            let (low, high, clip) = (try config.number("low"), try config.number("high"), try config.yesNo("clip"))
            try NormalizeKernel.checkOrder(low: low, high: high)
            let bounds = try NormalizeKernel.percentiles(lazy, [low, high], blockBytes: writeBlockBytes, collectLimit: collectLimit)
            transform = NormalizeTransform(lo: bounds[0], hi: bounds[1], clip: clip)
        case "crop":
            transform = try CropTransform(region: config.string("region"), inputShape: lazy.shape)
        case "convert-dtype":
            let dtype = try DType(rawValue: config.choice("dtype"))!
            guard try config.yesNo("rescale") else {
                transform = ConvertTransform(dtype: dtype)
                break
            }
            // rescale: the extremes from a statistics pass first.
            let stats = try StatsKernel.summary(lazy, blockBytes: writeBlockBytes)
            transform = ConvertTransform(dtype: dtype, rescale: (stats.min, stats.max))
        case "stats":
            // Passes over the blocks; the small JSON result ends the lazy chain.
            return StatsKernel.json(try StatsKernel.compute(lazy, blockBytes: writeBlockBytes), shape: lazy.shape, dtype: lazy.dtype)
        case "max-projection", "mean-projection":
            let axis = try config.integer("axis")
            guard axis >= 0, axis < lazy.shape.count, lazy.shape[axis] > 0 else {
                throw BuiltinOpError.invalidArray(op: name, reason: "axis \(axis) is out of range for an array of shape \(lazy.shape)")
            }
            transform = ProjectionTransform(axis: axis, isMean: name == "mean-projection")
        case "write-zarr":
            return try ZarrOps.write(
                source: lazy, config: config, item: call.item, opID: call.opID, outputDirectory: call.outputDirectory,
                provenance: provenance?.text(op: call.opID, item: call.item), blockBytes: writeBlockBytes)
        case "write-hdf5":
            return try writeHDF5(value, config: config, call: call, lazy: lazy)
        case "write-tiff":
            let relative = try OutputPaths.relativePath(config.string("path"), item: call.item, op: call.opID)
            try TIFFFormat().write(
                source: lazy, to: OutputPaths.prepareFile(relative, in: call.outputDirectory),
                options: tiffWriteOptions(config, call: call),
                blockBytes: writeBlockBytes)
            return ["path": .string(relative)]
        default:
            return try whole(
                lazy, op: name, config: config, call: call,
                why: "\(name) needs the whole array (ops that stream: \(Self.chunkwiseOps), write-zarr, write-tiff, write-hdf5)")
        }
        let result = lazy.appending(transform)
        // A result that fits (a projection of a large stack) goes on in memory.
        if result.byteCount <= memoryLimit { return try result.readAll(limit: memoryLimit).rpcValue }
        return result.rpcValue
    }

    /// Runs `op` on the whole array when it fits the memory limit, else fails naming the op, the
    /// item and the size.
    private func whole(_ lazy: LazyArray, op: String, config: BuiltinConfig, call: Context, why: String) throws -> JSONValue {
        let array = try materialise(lazy, op: op, item: call.item.key, why: why)
        return try run(op, data: array.rpcValue, config: config, call: call)
    }

    /// The whole array of `lazy` when it fits the memory limit.
    func materialise(_ lazy: LazyArray, op: String, item: String, why: String) throws -> NDArray {
        guard lazy.byteCount <= memoryLimit else {
            throw BuiltinOpError.tooLarge(
                op: op, item: item, shape: lazy.shape, dtype: lazy.dtype.rawValue, byteCount: lazy.byteCount, limit: memoryLimit,
                reason: why)
        }
        return try lazy.readAll(limit: memoryLimit)
    }

    /// `data` with every lazy array (itself, or a member of an object) read into memory, for a
    /// plugin op, which needs whole arrays.
    public func materialisingLazyArrays(in data: JSONValue, op: String, item: String) throws -> JSONValue {
        let why = "plugin ops receive whole arrays"
        if LazyArray.isLazy(data) {
            return try materialise(LazyArray(rpcValue: data, blockBudget: blockBudget), op: op, item: item, why: why).rpcValue
        }
        guard var object = data.objectValue, object.values.contains(where: LazyArray.isLazy) else { return data }
        for (key, value) in object where LazyArray.isLazy(value) {
            object[key] = try materialise(LazyArray(rpcValue: value, blockBudget: blockBudget), op: op, item: item, why: why).rpcValue
        }
        return .object(object)
    }

    /// A lazy array read into memory outside a run's invoker (result files): up to physical memory.
    static func materialised(_ value: JSONValue, op: String) throws -> NDArray {
        let lazy = try LazyArray(rpcValue: value, blockBudget: 256 << 20)
        guard lazy.byteCount <= NDArray.maximumByteCount else {
            throw BuiltinOpError.invalidArray(
                op: op,
                reason:
                    "the array \(lazy.shape) \(lazy.dtype) needs \(lazy.byteCount) bytes, more than memory; write it with write-zarr or write-tiff"
            )
        }
        return try lazy.readAll(limit: NDArray.maximumByteCount)
    }

    /// `gaussian`'s transform, checked as the in-memory kernel checks its config.
    private func gaussianTransform(_ config: BuiltinConfig, rank: Int, lazy: LazyArray, call: Context) throws -> any ChunkwiseTransform {
        let sigma = try config.numbers("sigma")
        let sigmas = sigma.count == 1 ? Array(repeating: sigma[0], count: rank) : sigma
        guard sigmas.count == rank else { throw KernelError("\(sigma.count) sigmas for an array of rank \(rank) (shape \(lazy.shape))") }
        guard sigmas.allSatisfy({ $0 >= 0 && $0.isFinite }) else { throw KernelError("sigma must be finite and >= 0, got \(sigma)") }
        let truncate = try config.number("truncate")
        guard truncate > 0, truncate.isFinite else { throw KernelError("truncate must be > 0, got \(truncate)") }
        let mode = try BorderMode(rawValue: config.choice("mode"))!
        // A wrapped block reads past the array's ends; only the file and point-wise ops can give that.
        guard mode != .wrap || lazy.transforms.allSatisfy({ $0.kind == .pointwise }) else {
            throw BuiltinOpError.tooLarge(
                op: "gaussian", item: call.item.key, shape: lazy.shape, dtype: lazy.dtype.rawValue, byteCount: lazy.byteCount,
                limit: memoryLimit,
                reason:
                    "mode wrap streams right after a read or point-wise ops only (reflect, nearest, mirror and constant stream after any)")
        }
        return GaussianTransform(sigmas: sigmas, truncate: truncate, mode: mode)
    }
}
