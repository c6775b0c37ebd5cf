import Foundation
import ImJoySchema

/// OME-Zarr directory stores through ``OMEZarr`` (NGFF 0.4 on Zarr v2 by default): one image at
/// a store's root, or a collection store whose root group lists its images (`imjoy.images`),
/// which every item of a run — and concurrent shards — can add to (``add(_:at:to:options:)``).
/// Provenance is the string attribute `imjoy_provenance` of each image group.
public struct ZarrFormat: ArrayContainerFormat {
    /// The image-group attribute that holds provenance.
    public static let provenanceAttribute = "imjoy_provenance"

    public init() {}

    public var name: String { "zarr" }
    public var aliases: [String] { ["ome-zarr", "omezarr", "ome.zarr"] }
    /// `.zarr`; `NAME.ome.zarr` has the extension `zarr` too.
    public var fileExtensions: [String] { ["zarr"] }
    public var storage: ArrayFormatStorage { .directory }
    public var capabilities: ArrayFormatCapabilities { [.namedArrays, .sharedAcrossItems, .pyramids] }
    public var provenance: ProvenanceEmbedding { .attribute(name: Self.provenanceAttribute) }
    /// Blosc (LZ4, byte shuffle, numcodecs' default and most OME-Zarr's), zstd, none.
    public var compressions: [CompressionChoice] { [.blosc, .zarrZstd, .none] }

    /// The images a collection store lists (nested collections as `a/b`); `[""]` for a store
    /// holding one image at its root (its name is the empty path).
    public func arrayNames(in url: URL) throws -> [String] {
        let images = try OMEZarr.images(inCollection: url)
        guard !images.isEmpty else { return [""] }
        var names: [String] = []
        for image in images {
            names += try arrayNames(in: url.appendingPathComponent(image)).map { $0.isEmpty ? image : image + "/" + $0 }
        }
        return names
    }

    /// Reads the full-resolution level of image `name` (a path inside the store); `nil` reads
    /// the image at the root, else the collection's first.
    public func read(_ url: URL, name: String?) throws -> NDArray {
        let trimmed = name.map { $0.split(separator: "/").joined(separator: "/") } ?? ""
        if !trimmed.isEmpty {
            let names = try arrayNames(in: url)
            guard names.contains(trimmed) || FileManager.default.fileExists(atPath: url.appendingPathComponent(trimmed).path) else {
                let list = names.isEmpty ? "none" : names.prefix(20).joined(separator: ", ")
                throw ArrayFormatError.unsupported(format: self.name, reason: "\(url.path) has no image '\(trimmed)' (images: \(list))")
            }
            return try Self.readImage(url.appendingPathComponent(trimmed), level: 0)
        }
        let first = try arrayNames(in: url).first ?? ""
        return try Self.readImage(first.isEmpty ? url : url.appendingPathComponent(first), level: 0)
    }

    /// Level `level` of the image at `url`, with its axes and scale as ``NDArray/metadata``.
    public static func readImage(_ url: URL, level: Int) throws -> NDArray {
        var (array, ome) = try OMEZarr.read(url, level: level)
        array.metadata = arrayMetadata(ome, level: level)
        return array
    }

    /// Writes `array` as the image at the root of a new store at `url` (replacing one there).
    public func write(_ array: NDArray, to url: URL, options: ArrayWriteOptions) throws {
        let (axes, scale) = Self.omeAxes(of: array)
        try OMEZarr.write(array, axes: axes, scale: scale, name: options.name, to: url, options: writeOptions(options))
    }

    /// Adds `array` as image `path` (`item/op`: nested collections) of the collection store at `url`.
    public func add(_ array: NDArray, at path: String, to url: URL, options: ArrayWriteOptions) throws {
        let components = path.split(separator: "/").map(String.init)
        guard let last = components.last else {
            throw ArrayFormatError.unsupported(format: name, reason: "\(url.path): an empty image path")
        }
        let zarrOptions = try writeOptions(options)
        var collection = url
        for component in components.dropLast() {
            let store = collection.path
            try ZarrFiles.makeDirectories(store, store: store)
            try OMEZarrCollection.withLock(store: store) { () throws(ZarrError) in
                try OMEZarrCollection.register(component, store: store, format: zarrOptions.format)
            }
            collection = collection.appendingPathComponent(component)
        }
        let (axes, scale) = Self.omeAxes(of: array)
        try OMEZarr.add(array, named: last, axes: axes, scale: scale, toCollection: collection, options: zarrOptions)
    }

    /// The ``OMEZarrWriteOptions`` of `options`: its compression (default Blosc), provenance
    /// (else `source`) as an attribute, its pyramid levels, one thread per core; tiles are refused
    /// (a Zarr store is chunked instead).
    public func writeOptions(_ options: ArrayWriteOptions) throws -> OMEZarrWriteOptions {
        if options.tileShape != nil {
            throw ArrayFormatError.unsupported(format: name, reason: "a Zarr store has chunks, not tiles (write-zarr's `chunks`)")
        }
        var zarr = OMEZarrWriteOptions(
            compressor: try Self.compressor(options.compression ?? defaultCompression.compression(level: nil, format: name)))
        zarr.pyramidLevels = options.pyramidLevels
        if let provenance = options.provenance {
            zarr.attributes[Self.provenanceAttribute] = .string(provenance)
        } else if let source = options.source {
            zarr.attributes["source"] = .string(source)
        }
        return zarr
    }

    /// The Zarr compressor of `compression` (Blosc: LZ4 with byte shuffle).
    public static func compressor(_ compression: Compression) throws(ArrayFormatError) -> ZarrCompressor {
        switch compression {
        case .none: return .none
        case .zstd(let level): return .zstd(level: level)
        case .blosc(let level): return .blosc(compressor: .lz4, level: level, shuffle: .shuffle)
        case .deflate, .lzw: throw .unsupported(format: "zarr", reason: "\(compression) is not written (blosc, zstd or none)")
        }
    }
}

extension ZarrFormat {
    /// The ``ArrayMetadata`` of level `level` of an image: its axes, units and that level's scale.
    public static func arrayMetadata(_ ome: OMEImageMetadata, level: Int = 0) -> ArrayMetadata {
        let scale = ome.datasets.indices.contains(level) ? ome.datasets[level].scale : ome.scale
        return ArrayMetadata(
            axes: ome.axes.enumerated().map { index, axis in
                ArrayMetadata.Axis(name: axis.name, scale: scale.indices.contains(index) ? scale[index] : nil, unit: axis.unit)
            })
    }

    /// The OME axes and level-0 scale of `array`'s metadata (`nil`, `nil` without: defaults).
    public static func omeAxes(of array: NDArray) -> (axes: [OMEAxis]?, scale: [Double]?) {
        guard let metadata = array.metadata else { return (nil, nil) }
        let axes = metadata.axes.map { OMEAxis(name: $0.name, type: $0.type, unit: $0.unit) }
        return (axes, metadata.axes.map { $0.scale ?? 1 })
    }
}
