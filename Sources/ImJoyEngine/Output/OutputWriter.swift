import Foundation
import ImJoySchema
import ImJoyWorkflow
import ImageIO

/// Writes the results that no later op consumes under the run's out dir (docs/builtin-ops.md,
/// "Output files").
///
/// - an n-d array (or an object whose only member is one) → `{item}/{op}.tif` or `.h5`, by the
///   op's `output.format`, else the workflow's, else the run's `--format`;
/// - other JSON → `{item}/{op}.json` (pretty, sorted keys);
/// - an object with n-d array members and other values → each array to `{item}/{op}.<key>.tif`
///   (HDF5: one file `{item}/{op}.h5` with dataset `<dataset>/<key>`), the rest to
///   `{item}/{op}.json` with each array replaced by `{"path": …}` (and `"dataset"` for HDF5);
/// - results of `write-tiff` / `write-hdf5` are files already: their paths are returned, nothing
///   is written; a `null` result writes nothing.
///
/// An `output.path` template (op, else workflow) replaces `{item}/{op}.<ext>`; its extension is
/// adjusted to what is written. Paths must stay inside the out dir. Every file is written to a
/// temporary name and renamed into place. HDF5 datasets go through ``SharedHDF5Files``; a path
/// template without `{item}`/`{stem}` puts each item's datasets under `/<item key>/`.
public struct OutputWriter: ResultSink {
    public let outputDirectory: String
    public let arrayFormat: ArrayFileFormat
    /// The workflow's `output` defaults (format, path, dataset).
    public let defaults: OutputSpec
    public let hdf5Files: SharedHDF5Files
    /// Provenance embedded in every file written (TIFF description, HDF5 attribute, JSON sidecar).
    public var provenance: ProvenanceBuilder?
    /// The run's memory limit: a lazy array result (larger than it) is written block by block.
    public var memoryLimit: Int = NDArray.maximumByteCount

    public init(options: RunOptions, defaults: OutputSpec = OutputSpec(), hdf5Files: SharedHDF5Files = SharedHDF5Files()) {
        self.outputDirectory = options.outputDirectory
        self.arrayFormat = options.arrayFormat
        self.defaults = defaults
        self.hdf5Files = hdf5Files
    }

    public func write(_ result: JSONValue, op: PlannedOp, item: WorkItem) throws -> [String] {
        do {
            return try writeResult(result, op: op, item: item)
        } catch let error as BuiltinOpError {
            throw error
        } catch let error as OutputPaths.Problem {
            throw BuiltinOpError.unsafePath(op: op.id, path: error.path, reason: error.reason)
        } catch {
            throw BuiltinOpError.fileError(op: op.id, reason: "\(error)")
        }
    }

    private func writeResult(_ result: JSONValue, op: PlannedOp, item: WorkItem) throws -> [String] {
        if case .builtin(let name) = op.spec.target, BuiltinOps.declaration(name)?.writesFiles == true {
            return result["path"]?.stringValue.map { [$0] } ?? []
        }
        // An op that returns nothing (ImJoy ops often do) leaves no file.
        if result.isNull { return [] }
        let target = Target(writer: self, op: op, item: item, format: try resolvedFormat(op))

        // A bare array, or an object whose only member is one.
        if BuiltinInvoker.isNDArray(result)
            || (result.objectValue?.count == 1 && result.objectValue!.values.allSatisfy(BuiltinInvoker.isNDArray))
        {
            if let lazy = BuiltinInvoker.lazyMember(of: result), !target.isContainer {
                // Larger than the memory limit: written block by block (one array per file or store).
                let relative = try target.path(.array)
                let source = try LazyArray(rpcValue: lazy, blockBudget: max(memoryLimit / 2, 64 << 10))
                try target.writeSource(source, relative: relative, blockBytes: max(memoryLimit / 16, 16 << 10))
                return [relative]
            }
            let array = try BuiltinInvoker.array(from: result, op: op.id)
            if target.isContainer {
                let relative = try target.path(.array)
                return try target.addToContainer([(try target.datasetPath(target.dataset()), array)], relative: relative)
            }
            let relative = try target.path(.array)
            try target.writeArray(array, relative: relative)
            return [relative]
        }

        guard let object = result.objectValue, object.values.contains(where: BuiltinInvoker.isNDArray) else {
            let relative = try target.path(.json)
            try Self.writeJSON(result, to: OutputPaths.prepareFile(relative, in: outputDirectory))
            return [relative] + (try writeSidecar(for: relative, item: item, op: op))
        }

        // Arrays to their own files (or datasets of one container), the rest to JSON with references.
        var files: [String] = []
        var remainder = JSONObject()
        var datasets: [(path: String, array: NDArray)] = []
        let containerFile = target.isContainer ? try target.path(.array) : nil
        for (key, value) in object {
            guard BuiltinInvoker.isNDArray(value) else {
                remainder[key] = value
                continue
            }
            let array = try BuiltinInvoker.array(from: value, op: op.id)
            let safeKey = OutputPaths.sanitized(key)
            if let containerFile {
                let name = try target.datasetPath(target.dataset() + "/" + safeKey)
                datasets.append((name, array))
                remainder[key] = ["path": .string(containerFile), "dataset": .string(name)]
            } else {
                let relative = try target.path(.array, key: safeKey)
                try target.writeArray(array, relative: relative)
                files.append(relative)
                remainder[key] = ["path": .string(relative)]
            }
        }
        if let containerFile {
            files += try target.addToContainer(datasets, relative: containerFile)
        }
        let jsonFile = try target.path(.json)
        try Self.writeJSON(.object(remainder), to: OutputPaths.prepareFile(jsonFile, in: outputDirectory))
        files.append(jsonFile)
        return files + (try writeSidecar(for: jsonFile, item: item, op: op))
    }

    /// `NAME.json` → `NAME.provenance.json` beside it (JSON results keep their shape).
    private func writeSidecar(for relative: String, item: WorkItem, op: PlannedOp) throws -> [String] {
        guard let provenance else { return [] }
        let sidecar = String(relative.dropLast(".json".count)) + ".provenance.json"
        try Self.writeJSON(provenance.document(op: op.id, item: item), to: OutputPaths.prepareFile(sidecar, in: outputDirectory))
        return [sidecar]
    }

    /// The layout of HDF5 outputs: the HDF5 format's default compression.
    static let hdf5Layout = try! HDF5Format.layout(for: HDF5Format().compression(named: nil, level: nil))

    /// The op's array format: its `output.format`, else the workflow's, else the run's.
    private func resolvedFormat(_ op: PlannedOp) throws -> any ArrayFormat {
        guard let name = op.spec.output?.format ?? defaults.format else { return arrayFormat.format }
        guard let format = ArrayFormatRegistry.standard.format(named: name) else {
            let known = ArrayFormatRegistry.standard.names.joined(separator: ", ")
            throw BuiltinOpError.invalidConfig(op: op.id, parameter: "output.format", reason: "'\(name)' is not an array format (\(known))")
        }
        return format
    }

    /// `path` with `.<key>` inserted before the extension and the extension made right for
    /// what is written (`extensions`, the first the default): a matching one (`.tiff`) is kept,
    /// another known one (any registered format's, or `.json`) is replaced, anything else gets
    /// the default appended.
    static func adjusted(_ path: String, extensions: [String], key: String?) -> String {
        let current = (path as NSString).pathExtension
        let known = ArrayFormatRegistry.standard.fileExtensions.union(["json"])
        var base = path
        var ext = extensions[0]
        if known.contains(current.lowercased()) {
            base = String(path.dropLast(current.count + 1))
            if extensions.contains(current.lowercased()) { ext = current }
        }
        return base + (key.map { ".\($0)" } ?? "") + "." + ext
    }

    /// Pretty JSON with sorted keys, written atomically.
    static func writeJSON(_ value: JSONValue, to url: URL) throws {
        let output = AtomicOutputFile(destination: url)
        let text = value.serialized([.prettyPrinted, .sortedKeys]) + "\n"
        try output.write(Data(text.utf8))
        try output.commit()
    }
}
