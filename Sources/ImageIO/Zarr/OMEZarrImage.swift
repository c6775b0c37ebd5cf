import Foundation

/// An OME-Zarr image opened for lazy reading: its metadata and one ``ZarrArray`` per level.
///
/// ```swift
/// let image = try OMEZarrImage(store: url)
/// let tile = try image.read(level: 1, origin: [0, 0, 0], shape: [1, 128, 128])
/// ```
public struct OMEZarrImage: Sendable {
    /// The store's root.
    public let store: URL
    /// The multiscale metadata (default axes for a plain array).
    public let metadata: OMEImageMetadata
    /// The levels, full resolution first.
    public let levels: [ZarrArray]

    /// Opens the image at the local `store` (a group with `multiscales`, or a plain Zarr array).
    public init(store: URL) throws(ZarrError) {
        try self.init(storage: LocalZarrStore(root: store.path))
    }

    /// Opens the image at the root of `storage` (local or remote, ``ZarrStore``), reading its
    /// metadata only.
    public init(storage: any ZarrStore) throws(ZarrError) {
        self.store = storage.url
        let root = storage.location
        try storage.checkExists()
        let multiscales: ZarrJSONField
        var version: String? = nil
        if let v3 = try storage.readJSON("zarr.json") {
            if v3.member("node_type").value?.stringValue == "array" {
                let array = try ZarrArray(storage: storage)
                (metadata, levels) = (Self.plainMetadata(array), [array])
                return
            }
            let ome = v3.member("attributes").member("ome")
            let versionField = ome.member("version")
            version = versionField.isMissing ? nil : try versionField.string()
            multiscales = ome.isMissing ? v3.member("attributes").member("multiscales") : ome.member("multiscales")
        } else if try storage.read(".zarray", limit: ZarrLimits.maximumMetadataBytes) != nil {
            let array = try ZarrArray(storage: storage)
            (metadata, levels) = (Self.plainMetadata(array), [array])
            return
        } else if let attributes = try storage.readJSON(".zattrs") {
            multiscales = attributes.member("multiscales")
        } else {
            throw ZarrError(.invalidMetadata, store: root, reason: "not a Zarr store (no zarr.json, .zarray or .zattrs)")
        }
        let parsed = try OMEImageMetadata.parse(multiscales, version: version)
        var arrays: [ZarrArray] = []
        for dataset in parsed.datasets {
            let array = try ZarrArray(storage: storage, path: dataset.path)
            guard array.metadata.shape.count == parsed.axes.count else {
                throw ZarrError(
                    .invalidMetadata, store: root, location: dataset.path,
                    reason: "array has \(array.metadata.shape.count) dimensions, the image \(parsed.axes.count) axes")
            }
            arrays.append(array)
        }
        for array in arrays.dropFirst() where array.metadata.dtype != arrays[0].metadata.dtype {
            throw ZarrError(
                .invalidMetadata, store: root, location: array.path,
                reason: "level dtype \(array.metadata.dtype) differs from \(arrays[0].metadata.dtype)")
        }
        (metadata, levels) = (parsed, arrays)
    }

    /// A whole level.
    public func read(level: Int = 0, limit: Int = NDArray.maximumByteCount) throws(ZarrError) -> NDArray {
        try array(level).read(limit: limit)
    }

    /// A region of a level, reading only the chunks it touches.
    public func read(level: Int = 0, origin: [Int], shape: [Int], limit: Int = NDArray.maximumByteCount) throws(ZarrError) -> NDArray {
        try array(level).read(origin: origin, shape: shape, limit: limit)
    }

    private func array(_ level: Int) throws(ZarrError) -> ZarrArray {
        guard levels.indices.contains(level) else {
            throw ZarrError(
                .invalidArgument, store: levels.first?.storage.location ?? store.path,
                reason: "level \(level) does not exist (\(levels.count) levels)")
        }
        return levels[level]
    }

    private static func plainMetadata(_ array: ZarrArray) -> OMEImageMetadata {
        let rank = array.metadata.shape.count
        var axes = OMEAxis.defaults(rank: rank)
        if let names = array.metadata.dimensionNames {
            for (index, name) in names.enumerated() { if let name { axes[index].name = name } }
        }
        return OMEImageMetadata(
            axes: axes, datasets: [OMEDataset(path: "", scale: axes.map { _ in 1 }, translation: nil)],
            version: array.metadata.format == .v2 ? "0.4" : "0.5")
    }
}
