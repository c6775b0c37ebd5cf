import Foundation

/// TIFF through libtiff (``TIFFReader``, ``TIFFWriter``): one array per file, leading axes as
/// pages; provenance in the ImageDescription, or in a private tag beside ImageJ metadata.
public struct TIFFFormat: ArrayFormat {
    /// The private ASCII tag that holds provenance when ImageJ metadata occupies the description.
    public static let provenanceTag: UInt32 = 65_432

    public init() {}

    public var name: String { "tiff" }
    public var aliases: [String] { ["tif"] }
    public var fileExtensions: [String] { ["tif", "tiff"] }
    public var storage: ArrayFormatStorage { .file }
    public var capabilities: ArrayFormatCapabilities { [.imageJ, .tiles, .pyramids] }
    public var provenance: ProvenanceEmbedding { .description(privateTag: Self.provenanceTag) }
    public var compressions: [CompressionChoice] { [.deflate, .none, .lzw, .zstd] }

    public func arrayNames(in url: URL) throws -> [String] { [] }

    /// Reads every page; ImageJ hyperstacks and calibrated pages get their axes and pixel sizes
    /// as ``NDArray/metadata`` (``metadata(of:)``).
    public func read(_ url: URL, name: String?) throws -> NDArray {
        let image = try TIFFReader.read(contentsOf: url)
        var array = image.array
        array.metadata = Self.metadata(of: image)
        return array
    }

    /// Writes `array`; a 1-d array becomes one row, a 0-d array one pixel, and bool arrays are
    /// stored as uint8 0/1 (TIFF has no bool samples).
    public func write(_ array: NDArray, to url: URL, options: ArrayWriteOptions) throws {
        var shaped = array.rank >= 2 ? array : try array.reshaped(array.rank == 1 ? [1, array.shape[0]] : [1, 1])
        shaped.metadata = array.rank >= 2 ? array.metadata : nil
        let stored = shaped.dtype == .bool ? try shaped.converted(to: .uint8) : shaped
        let settings = try writerOptions(shape: stored.shape, dtype: stored.dtype, metadata: stored.metadata, url: url, options: options)
        try TIFFWriter.write(stored, to: url, options: settings)
    }

    /// The ``TIFFWriter/Options`` of `options` for an array of `shape`, `dtype` and `metadata`
    /// written to `url`: OME-XML for a `.ome.tif` name, else ImageJ metadata when asked for, with
    /// provenance in the description or (beside OME-XML or ImageJ metadata) the private tag;
    /// tiles and sub-resolution levels.
    func writerOptions(shape: [Int], dtype: DType, metadata: ArrayMetadata?, url: URL, options: ArrayWriteOptions) throws
        -> TIFFWriter.Options
    {
        var settings = TIFFWriter.Options(compression: try options.compression ?? compression(named: nil, level: nil))
        settings.bigTIFF = options.largeFile
        settings.synchronizes = options.synchronizes
        settings.subResolutionLevels = options.pyramidLevels
        if let tile = options.tileShape {
            guard tile.count == 2 else {
                throw ArrayFormatError.unsupported(format: name, reason: "\(url.path): a tile is [rows, columns], got \(tile)")
            }
            settings.tile = TIFFWriter.TileSize(height: tile[0], width: tile[1])
        }
        let lowered = url.lastPathComponent.lowercased()
        if !options.imageJ, lowered.hasSuffix(".ome.tif") || lowered.hasSuffix(".ome.tiff") {
            guard shape.count >= 2 else {
                throw ArrayFormatError.unsupported(format: name, reason: "\(url.path): OME-TIFF of a \(shape.count)-d array")
            }
            let imageName = String(url.lastPathComponent.prefix { $0 != "." })
            settings.description = .text(
                try OMEXML.document(shape: shape, dtype: dtype, metadata: metadata, name: imageName, file: url.path))
            if let provenance = options.provenance { settings.privateASCIITags = [(Self.provenanceTag, provenance)] }
        } else if options.imageJ {
            settings.description = .imageJ
            if let (imageJ, resolution) = Self.imageJ(shape: shape, metadata: metadata) {
                settings.description = .imageJMetadata(imageJ)
                settings.resolution = resolution
            }
            if let provenance = options.provenance { settings.privateASCIITags = [(Self.provenanceTag, provenance)] }
        } else if let provenance = options.provenance {
            settings.description = .text(provenance)
        } else if let source = options.source {
            settings.description = .json(["shape": .array(shape.map { .integer(Int64($0)) }), "source": .string(source)])
        }
        return settings
    }
}
