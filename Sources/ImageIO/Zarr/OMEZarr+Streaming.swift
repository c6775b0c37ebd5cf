import Foundation
import ImJoySchema

#if canImport(Glibc)
    import Glibc
#endif

extension OMEZarr {
    /// Writes the array `source` provides as a new OME-Zarr image at `store` (full resolution
    /// only), a block of whole chunks at a time (at most `blockBytes` decoded): atomically, like
    /// ``write(_:axes:scale:translation:name:to:options:)``. Pyramid levels need the whole
    /// array and are refused.
    public static func write(
        source: any ArraySource, axes: [OMEAxis]? = nil, scale: [Double]? = nil, name: String? = nil, to store: URL,
        options: OMEZarrWriteOptions = .init(), blockBytes: Int
    ) throws(ZarrError) {
        try writeStore(store) { (root, storeName) throws(ZarrError) in
            try writeStreamedImage(
                source, axes: axes, scale: scale, name: name, root: root, store: storeName, options: options, blockBytes: blockBytes)
        }
    }

    /// Adds the array `source` provides as image `name` of the collection store `store`, streamed
    /// as in ``write(source:axes:scale:name:to:options:blockBytes:)`` and registered under the
    /// store's lock as ``add(_:named:axes:scale:translation:toCollection:options:)`` does.
    public static func add(
        source: any ArraySource, named name: String, axes: [OMEAxis]? = nil, scale: [Double]? = nil, toCollection store: URL,
        options: OMEZarrWriteOptions = .init(), blockBytes: Int
    ) throws(ZarrError) {
        try addImage(named: name, toCollection: store, format: options.format) { (root, storeName) throws(ZarrError) in
            try writeStreamedImage(
                source, axes: axes, scale: scale, name: name, root: root, store: storeName, options: options, blockBytes: blockBytes)
        }
    }

    /// Writes the group metadata and level 0, streamed from `source`, into the directory `root`.
    static func writeStreamedImage(
        _ source: any ArraySource, axes: [OMEAxis]?, scale: [Double]?, name: String?, root: String, store: String,
        options: OMEZarrWriteOptions, blockBytes: Int
    ) throws(ZarrError) {
        let rank = source.shape.count
        let axes = axes ?? OMEAxis.defaults(rank: rank)
        let baseScale = scale ?? axes.map { _ in 1 }
        guard axes.count == rank, baseScale.count == rank, rank >= 1 else {
            throw ZarrError(.invalidArgument, store: store, reason: "axes and scale need one entry per dimension (\(rank))")
        }
        guard options.pyramidLevels == 0 else {
            throw ZarrError(
                .invalidArgument, store: store,
                reason: "pyramid levels are made from the whole array; a streamed write (larger than the memory limit) writes level 0 only")
        }
        var metadata = OMEImageMetadata(axes: axes, datasets: [], name: name, version: options.format == .v2 ? "0.4" : "0.5")
        metadata.datasets.append(OMEDataset(path: "0", scale: baseScale, translation: nil))
        let arrayMetadata = ZarrArrayMetadata(
            format: options.format, shape: source.shape, chunkShape: options.chunks(for: source.shape, axes: axes),
            dtype: source.dtype, compressor: options.compressor, dimensionNames: options.format == .v3 ? axes.map(\.name) : nil)
        try ZarrFiles.makeDirectories(root, store: store)
        try ZarrArrayWriter.write(
            source: source, metadata: arrayMetadata, root: root, path: "0", store: store, workers: options.workers, blockBytes: blockBytes)
        var groupAttributes = attributes(metadata)
        for (key, value) in options.attributes where groupAttributes[key] == nil { groupAttributes[key] = value }
        try writeGroup(root: root, store: store, format: options.format, attributes: groupAttributes)
    }
}
