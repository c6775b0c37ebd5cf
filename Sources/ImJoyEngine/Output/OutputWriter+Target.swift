import Foundation
import ImJoyWorkflow
import ImageIO

extension OutputWriter {
    /// Where and how one op's result for one item is written: its format, path template and
    /// dataset name.
    struct Target {
        /// What a file holds, for its extension.
        enum Kind { case array, json }

        let writer: OutputWriter
        let op: PlannedOp
        let item: WorkItem
        let format: any ArrayFormat
        let template: String?
        let datasetTemplate: String
        let perItem: Bool
        let provenance: String?

        init(writer: OutputWriter, op: PlannedOp, item: WorkItem, format: any ArrayFormat) {
            self.writer = writer
            self.op = op
            self.item = item
            self.format = format
            template = op.spec.output?.path ?? writer.defaults.path
            datasetTemplate = op.spec.output?.dataset ?? writer.defaults.dataset ?? op.id
            perItem = template.map(OutputPaths.isPerItem) ?? true
            provenance = writer.provenance?.text(op: op.id, item: item)
        }

        /// Whether arrays go into one container file (datasets) rather than a file each. A
        /// directory store (Zarr) written per item holds one image at its root, like a TIFF file
        /// (`{op}.<key>.zarr` per member); a shared one collects `/<item>/<dataset>` images.
        var isContainer: Bool {
            format.capabilities.contains(.namedArrays) && (format.storage == .file || !perItem)
        }

        /// The relative path of the file for `kind` (with `.<key>` for one member's array).
        func path(_ kind: Kind, key: String? = nil) throws -> String {
            let extensions = kind == .json ? ["json"] : format.fileExtensions
            let base = try OutputPaths.expand(template ?? "{item}/{op}.\(extensions[0])", item: item, op: op.id)
            let relative = try OutputPaths.checkedRelative(OutputWriter.adjusted(base, extensions: extensions, key: key))
            // A shard's shared HDF5 file is its own (NAME.shard-I-of-N.h5); shards add to a shared
            // Zarr store together (each add is atomic and locked).
            return kind == .array && isContainer && !perItem && format is HDF5Format ? writer.hdf5Files.sharedPath(relative) : relative
        }

        /// The expanded dataset template (`{op}` by default).
        func dataset() throws -> String {
            try OutputPaths.expand(datasetTemplate, item: item, op: op.id)
        }

        /// A dataset path in the container: under `/<item key>/` when the file is shared.
        func datasetPath(_ name: String) throws -> String {
            try OutputPaths.checkedDatasetPath(perItem ? name : item.key + "/" + name)
        }

        /// Writes one array as its own file with the format's default compression.
        func writeArray(_ array: NDArray, relative: String) throws {
            try format.write(
                array, to: OutputPaths.prepareFile(relative, in: writer.outputDirectory),
                options: ArrayWriteOptions(provenance: provenance))
        }

        /// Writes the array `source` provides to `relative` (one array per file or store), block by block.
        func writeSource(_ source: any ArraySource, relative: String, blockBytes: Int) throws {
            try format.write(
                source: source, to: OutputPaths.prepareFile(relative, in: writer.outputDirectory),
                options: ArrayWriteOptions(provenance: provenance), blockBytes: blockBytes)
        }

        /// Adds datasets to the container file (per item, or shared by the run's items): HDF5
        /// through the run's ``SharedHDF5Files``, other containers through their own
        /// ``ArrayContainerFormat/add(_:at:to:options:)``. Returns the paths to report: the HDF5
        /// file, or each array's own path inside a directory store (`all.zarr/img_0/smooth`: what
        /// the item's completion record hashes, which other items' adds leave unchanged).
        @discardableResult
        func addToContainer(_ datasets: [(path: String, array: NDArray)], relative: String) throws -> [String] {
            let url = try OutputPaths.prepareFile(relative, in: writer.outputDirectory)
            if format is HDF5Format {
                try writer.hdf5Files.add(
                    datasets, to: url, layout: OutputWriter.hdf5Layout, shared: !perItem, provenance: provenance, item: item.key)
                return [relative]
            }
            guard let container = format as? any ArrayContainerFormat else {
                throw BuiltinOpError.invalidConfig(op: op.id, parameter: "output.format", reason: "\(format.name) has no container writer")
            }
            for (path, array) in datasets {
                try container.add(array, at: path, to: url, options: ArrayWriteOptions(provenance: provenance))
            }
            guard format.storage == .directory else { return [relative] }
            return datasets.map { relative + "/" + $0.path.split(separator: "/").joined(separator: "/") }
        }
    }
}
