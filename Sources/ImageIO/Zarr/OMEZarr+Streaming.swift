import Foundation
import ImJoySchema

#if canImport(Glibc)
    import Glibc
#endif

extension OMEZarr {
    /// Writes the array `source` provides as a new OME-Zarr image at `store`, a block of whole
    /// chunks at a time (at most `blockBytes` decoded): atomically, like
    /// ``write(_:axes:scale:translation:name:to:options:)``. Each pyramid level is streamed from
    /// the level written before it (``DownsampledSource``), with the values of the in-memory write.
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

    /// Writes the group metadata and every level, streamed from `source` (level 0) and from the
    /// level above (the others), into the directory `root`.
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
        guard (0..<ZarrLimits.maximumLevels).contains(options.pyramidLevels) else {
            throw ZarrError(.invalidArgument, store: store, reason: "pyramidLevels must be 0...\(ZarrLimits.maximumLevels - 1)")
        }
        let halved = halvedAxes(axes, options: options)
        var metadata = OMEImageMetadata(axes: axes, datasets: [], name: name, version: options.format == .v2 ? "0.4" : "0.5")
        try ZarrFiles.makeDirectories(root, store: store)
        for index in 0...options.pyramidLevels {
            let level: any ArraySource =
                index == 0
                ? source
                : DownsampledSource(
                    base: ZarrArraySource(array: try ZarrArray(store: URL(fileURLWithPath: root), path: "\(index - 1)")), axes: halved,
                    method: options.downsampling)
            metadata.datasets.append(dataset(level: index, baseScale: baseScale, halved: halved, translation: nil))
            let arrayMetadata = ZarrArrayMetadata(
                format: options.format, shape: level.shape, chunkShape: options.chunks(for: level.shape, axes: axes),
                dtype: level.dtype, compressor: options.compressor, dimensionNames: options.format == .v3 ? axes.map(\.name) : nil)
            try ZarrArrayWriter.write(
                source: level, metadata: arrayMetadata, root: root, path: "\(index)", store: store, workers: options.workers,
                blockBytes: blockBytes)
        }
        var groupAttributes = attributes(metadata)
        for (key, value) in options.attributes where groupAttributes[key] == nil { groupAttributes[key] = value }
        try writeGroup(root: root, store: store, format: options.format, attributes: groupAttributes)
    }
}
