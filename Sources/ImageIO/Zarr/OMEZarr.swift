import Foundation
import ImJoySchema

#if canImport(Glibc)
    import Glibc
#endif

/// Reading and writing OME-Zarr images: NGFF 0.4 on Zarr v2, NGFF 0.5 on Zarr v3.
///
/// ```swift
/// try OMEZarr.write(stack, axes: [z, y, x], scale: [2, 0.5, 0.5], to: url, options: .init(pyramidLevels: 2))
/// let (array, metadata) = try OMEZarr.read(url)
/// ```
public enum OMEZarr {
    /// The full-resolution level (or `level`) of the image at `store`, with its metadata. A store
    /// holding a plain Zarr array (no `multiscales`) is read with default axes.
    public static func read(_ store: URL, level: Int = 0, limit: Int = NDArray.maximumByteCount) throws(ZarrError) -> (
        array: NDArray, metadata: OMEImageMetadata
    ) {
        let image = try OMEZarrImage(store: store)
        return (try image.read(level: level, limit: limit), image.metadata)
    }

    /// Writes `array` as a new OME-Zarr image at `store`, atomically: everything is written under a
    /// temporary sibling folder that is renamed into place (an existing store is replaced).
    ///
    /// - Parameters:
    ///   - axes: one per dimension (default: ``OMEAxis/defaults(rank:)``).
    ///   - scale: the physical pixel size per axis (default 1), halved levels doubling it.
    ///   - translation: the physical origin per axis, if any.
    public static func write(
        _ array: NDArray, axes: [OMEAxis]? = nil, scale: [Double]? = nil, translation: [Double]? = nil, name: String? = nil,
        to store: URL, options: OMEZarrWriteOptions = .init()
    ) throws(ZarrError) {
        try writeStore(store) { (root, storeName) throws(ZarrError) in
            try writeImage(
                array, axes: axes, scale: scale, translation: translation, name: name, root: root, store: storeName, options: options)
        }
    }

    /// Runs `write` into a temporary sibling of `store` (`root`; `storeName` for errors) and renames
    /// it into place; on failure the temporary is removed. Shared by the whole-array and streamed writes.
    static func writeStore(_ store: URL, _ write: (_ root: String, _ storeName: String) throws(ZarrError) -> Void) throws(ZarrError) {
        let storeName = store.path
        let temporary = store.deletingLastPathComponent()
            .appendingPathComponent(".\(store.lastPathComponent).tmp-\(getpid())-\(UInt32.random(in: 0...UInt32.max))").path
        do throws(ZarrError) {
            try write(temporary, storeName)
            try moveIntoPlace(temporary, store: storeName)
        } catch {
            ZarrFiles.removeTree(temporary)
            throw error
        }
    }

    /// Writes `array` as the image `name` of the collection store `store` (one store for all items):
    /// the image is written under a temporary name inside the store and renamed into place, then
    /// the root group's `imjoy.images` list is updated under an exclusive `flock` on
    /// `store/.imjoy-zarr.lock`, so concurrent processes can add images to the same store.
    public static func add(
        _ array: NDArray, named name: String, axes: [OMEAxis]? = nil, scale: [Double]? = nil, translation: [Double]? = nil,
        toCollection store: URL, options: OMEZarrWriteOptions = .init()
    ) throws(ZarrError) {
        try addImage(named: name, toCollection: store, format: options.format) { (root, storeName) throws(ZarrError) in
            try writeImage(
                array, axes: axes, scale: scale, translation: translation, name: name, root: root, store: storeName, options: options)
        }
    }

    /// Runs `write` into a temporary folder inside the collection `store`, then registers `name`
    /// and renames the image into place under the store's lock; on failure the temporary is removed.
    static func addImage(
        named name: String, toCollection store: URL, format: ZarrArrayMetadata.Format,
        _ write: (_ root: String, _ storeName: String) throws(ZarrError) -> Void
    ) throws(ZarrError) {
        let storeName = store.path
        guard !name.isEmpty, !name.contains("/"), !name.hasPrefix("."), name != "zarr.json" else {
            throw ZarrError(
                .invalidArgument, store: storeName, location: name, reason: "image name must be one path component not starting with \".\"")
        }
        try ZarrFiles.makeDirectories(storeName, store: storeName)
        let temporary = storeName + "/.\(name).tmp-\(getpid())-\(UInt32.random(in: 0...UInt32.max))"
        do throws(ZarrError) {
            try write(temporary, storeName)
            try OMEZarrCollection.withLock(store: storeName) { () throws(ZarrError) in
                try OMEZarrCollection.register(name, store: storeName, format: format)
                try moveIntoPlace(temporary, store: storeName, destination: storeName + "/" + name)
            }
        } catch {
            ZarrFiles.removeTree(temporary)
            throw error
        }
    }

    /// The image names listed by the collection store at `store` (see ``add(_:named:axes:scale:translation:toCollection:options:)``).
    public static func images(inCollection store: URL) throws(ZarrError) -> [String] {
        try OMEZarrCollection.images(store: store)
    }

    // MARK: - Writing

    /// Writes the group metadata and every level of the image into the directory `root`.
    static func writeImage(
        _ array: NDArray, axes: [OMEAxis]?, scale: [Double]?, translation: [Double]?, name: String?, root: String, store: String,
        options: OMEZarrWriteOptions
    ) throws(ZarrError) {
        let rank = array.rank
        let axes = axes ?? OMEAxis.defaults(rank: rank)
        let baseScale = scale ?? axes.map { _ in 1 }
        guard axes.count == rank, baseScale.count == rank, translation.map({ $0.count == rank }) ?? true, rank >= 1 else {
            throw ZarrError(.invalidArgument, store: store, reason: "axes, scale and translation need one entry per dimension (\(rank))")
        }
        guard (0..<ZarrLimits.maximumLevels).contains(options.pyramidLevels) else {
            throw ZarrError(.invalidArgument, store: store, reason: "pyramidLevels must be 0...\(ZarrLimits.maximumLevels - 1)")
        }
        let halved = halvedAxes(axes, options: options)
        var metadata = OMEImageMetadata(axes: axes, datasets: [], name: name, version: options.format == .v2 ? "0.4" : "0.5")
        try ZarrFiles.makeDirectories(root, store: store)
        var level = array
        for index in 0...options.pyramidLevels {
            if index > 0 {
                do {
                    level = try OMEZarrPyramid.downsample(level, axes: halved, method: options.downsampling)
                } catch {
                    throw ZarrError(.tooLarge, store: store, location: "\(index)", reason: "cannot downsample: \(error)")
                }
            }
            metadata.datasets.append(dataset(level: index, baseScale: baseScale, halved: halved, translation: translation))
            let arrayMetadata = ZarrArrayMetadata(
                format: options.format, shape: level.shape, chunkShape: options.chunks(for: level.shape, axes: axes),
                dtype: level.dtype, compressor: options.compressor,
                dimensionNames: options.format == .v3 ? axes.map(\.name) : nil)
            try ZarrArrayWriter.write(level, metadata: arrayMetadata, root: root, path: "\(index)", store: store, workers: options.workers)
        }
        var groupAttributes = attributes(metadata)
        for (key, value) in options.attributes where groupAttributes[key] == nil { groupAttributes[key] = value }
        try writeGroup(root: root, store: store, format: options.format, attributes: groupAttributes)
    }

    /// The axes a pyramid halves: x and y, and z when `options` say so.
    static func halvedAxes(_ axes: [OMEAxis], options: OMEZarrWriteOptions) -> Set<Int> {
        Set(
            axes.indices.filter {
                ["x", "y"].contains(axes[$0].name.lowercased()) || (options.downsampleZ && axes[$0].name.lowercased() == "z")
            })
    }

    /// Pyramid level `level`'s dataset: path `"level"`, the scale doubled per level on the halved axes.
    static func dataset(level: Int, baseScale: [Double], halved: Set<Int>, translation: [Double]?) -> OMEDataset {
        let factor = Double(1 << level)
        return OMEDataset(
            path: "\(level)", scale: baseScale.enumerated().map { halved.contains($0) ? $1 * factor : $1 }, translation: translation)
    }

    /// The group attributes holding `metadata` (0.4: `multiscales`; 0.5: `ome.multiscales`).
    static func attributes(_ metadata: OMEImageMetadata) -> JSONObject {
        if metadata.version == "0.4" { return ["multiscales": metadata.multiscalesJSON()] }
        return ["ome": ["version": .string(metadata.version), "multiscales": metadata.multiscalesJSON()]]
    }

    /// Writes a group's metadata (v2 `.zgroup` + `.zattrs`, v3 `zarr.json`).
    static func writeGroup(root: String, store: String, format: ZarrArrayMetadata.Format, attributes: JSONObject) throws(ZarrError) {
        switch format {
        case .v2:
            try ZarrFiles.writeJSON(["zarr_format": 2], to: root + "/.zgroup", store: store, location: ".zgroup")
            try ZarrFiles.writeJSON(.object(attributes), to: root + "/.zattrs", store: store, location: ".zattrs")
        case .v3:
            let group: JSONValue = ["zarr_format": 3, "node_type": "group", "attributes": .object(attributes)]
            try ZarrFiles.writeJSON(group, to: root + "/zarr.json", store: store, location: "zarr.json")
        }
    }

    /// Renames the finished directory `temporary` to `destination` (default: the store), moving
    /// an existing one aside first and removing it after.
    static func moveIntoPlace(_ temporary: String, store: String, destination: String? = nil) throws(ZarrError) {
        let target = destination ?? store
        if rename(temporary, target) == 0 { return }
        guard errno == ENOTEMPTY || errno == EEXIST || errno == EISDIR || errno == ENOTDIR else {
            throw ZarrError(.io, store: store, reason: "cannot rename into place: \(ZarrFiles.lastError())")
        }
        let old = temporary + ".old"
        guard rename(target, old) == 0 else {
            throw ZarrError(.io, store: store, reason: "cannot move the old store aside: \(ZarrFiles.lastError())")
        }
        guard rename(temporary, target) == 0 else {
            let reason = ZarrFiles.lastError()
            _ = rename(old, target)
            throw ZarrError(.io, store: store, reason: "cannot rename into place: \(reason)")
        }
        ZarrFiles.removeTree(old)
    }
}
