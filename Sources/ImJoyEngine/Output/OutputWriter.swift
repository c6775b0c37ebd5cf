import Foundation
import ImageIO
import ImJoySchema
import ImJoyWorkflow

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
        if case .builtin(let name) = op.spec.target, name == "write-tiff" || name == "write-hdf5" {
            return result["path"]?.stringValue.map { [$0] } ?? []
        }
        // An op that returns nothing (ImJoy ops often do) leaves no file.
        if result.isNull { return [] }
        let format = try resolvedFormat(op)
        let template = op.spec.output?.path ?? defaults.path
        let dataset = op.spec.output?.dataset ?? defaults.dataset ?? op.id
        let perItem = template.map(OutputPaths.isPerItem) ?? true
        let provenanceText = provenance?.text(op: op.id, item: item)

        func path(_ kind: FileKind, key: String? = nil) throws -> String {
            let base = try OutputPaths.expand(template ?? "{item}/{op}.\(kind.defaultExtension)", item: item, op: op.id)
            let relative = try OutputPaths.checkedRelative(Self.adjusted(base, kind: kind, key: key))
            // A shard's shared HDF5 file is its own (NAME.shard-I-of-N.h5).
            return kind == .hdf5 && !perItem ? hdf5Files.sharedPath(relative) : relative
        }
        func datasetPath(_ name: String) throws -> String {
            try OutputPaths.checkedDatasetPath(perItem ? name : item.key + "/" + name)
        }

        // A bare array, or an object whose only member is one.
        if BuiltinInvoker.isNDArray(result) || (result.objectValue?.count == 1 && result.objectValue!.values.allSatisfy(BuiltinInvoker.isNDArray)) {
            let array = try BuiltinInvoker.array(from: result, op: op.id)
            switch format {
            case .tiff:
                let relative = try path(.tiff)
                try FileOps.writeTIFF(array, to: OutputPaths.prepareFile(relative, in: outputDirectory), compression: .deflate(level: 6), imageJ: false, provenance: provenanceText)
                return [relative]
            case .hdf5:
                let relative = try path(.hdf5)
                try hdf5Files.add([(try datasetPath(OutputPaths.expand(dataset, item: item, op: op.id)), array)],
                                  to: OutputPaths.prepareFile(relative, in: outputDirectory), layout: Self.hdf5Layout, shared: !perItem, provenance: provenanceText,
                                  item: item.key)
                return [relative]
            }
        }

        guard let object = result.objectValue, object.values.contains(where: BuiltinInvoker.isNDArray) else {
            let relative = try path(.json)
            try Self.writeJSON(result, to: OutputPaths.prepareFile(relative, in: outputDirectory))
            return [relative] + (try writeSidecar(for: relative, item: item, op: op))
        }

        // Arrays to their own files (or datasets), the rest to JSON with references.
        var files: [String] = []
        var remainder = JSONObject()
        var datasets: [(path: String, array: NDArray)] = []
        let hdf5File = format == .hdf5 ? try path(.hdf5) : nil
        for (key, value) in object {
            guard BuiltinInvoker.isNDArray(value) else {
                remainder[key] = value
                continue
            }
            let array = try BuiltinInvoker.array(from: value, op: op.id)
            let safeKey = OutputPaths.sanitized(key)
            if let hdf5File {
                let name = try datasetPath(OutputPaths.expand(dataset, item: item, op: op.id) + "/" + safeKey)
                datasets.append((name, array))
                remainder[key] = ["path": .string(hdf5File), "dataset": .string(name)]
            } else {
                let relative = try path(.tiff, key: safeKey)
                try FileOps.writeTIFF(array, to: OutputPaths.prepareFile(relative, in: outputDirectory), compression: .deflate(level: 6), imageJ: false, provenance: provenanceText)
                files.append(relative)
                remainder[key] = ["path": .string(relative)]
            }
        }
        if let hdf5File {
            try hdf5Files.add(datasets, to: OutputPaths.prepareFile(hdf5File, in: outputDirectory), layout: Self.hdf5Layout, shared: !perItem,
                              provenance: provenanceText, item: item.key)
            files.append(hdf5File)
        }
        let jsonFile = try path(.json)
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

    static let hdf5Layout = HDF5Layout.chunked(chunkShape: nil, compression: .deflate(level: 4), shuffle: true)

    private func resolvedFormat(_ op: PlannedOp) throws -> ArrayFileFormat {
        guard let name = op.spec.output?.format ?? defaults.format else { return arrayFormat }
        switch name.lowercased() {
        case "tiff", "tif": return .tiff
        case "hdf5", "h5": return .hdf5
        default: throw BuiltinOpError.invalidConfig(op: op.id, parameter: "output.format", reason: "'\(name)' is not tiff or hdf5")
        }
    }

    enum FileKind {
        case tiff, hdf5, json
        var defaultExtension: String {
            switch self {
            case .tiff: "tif"
            case .hdf5: "h5"
            case .json: "json"
            }
        }
        var extensions: Set<String> {
            switch self {
            case .tiff: ["tif", "tiff"]
            case .hdf5: ["h5", "hdf5", "he5"]
            case .json: ["json"]
            }
        }
    }

    /// `path` with `.<key>` inserted before the extension and the extension made right for
    /// `kind`: a matching one (`.tiff`) is kept, another known one (`.tif`, `.h5`, `.json`) is
    /// replaced, anything else gets the kind's extension appended.
    static func adjusted(_ path: String, kind: FileKind, key: String?) -> String {
        let current = (path as NSString).pathExtension
        let known: Set<String> = ["tif", "tiff", "h5", "hdf5", "he5", "json"]
        var base = path, ext = kind.defaultExtension
        if known.contains(current.lowercased()) {
            base = String(path.dropLast(current.count + 1))
            if kind.extensions.contains(current.lowercased()) { ext = current }
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
