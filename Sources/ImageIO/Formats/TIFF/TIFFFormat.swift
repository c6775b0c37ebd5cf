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
    public var capabilities: ArrayFormatCapabilities { [.imageJ] }
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
        var settings = TIFFWriter.Options(compression: try options.compression ?? compression(named: nil, level: nil))
        settings.bigTIFF = options.largeFile
        settings.synchronizes = options.synchronizes
        let lowered = url.lastPathComponent.lowercased()
        if !options.imageJ, lowered.hasSuffix(".ome.tif") || lowered.hasSuffix(".ome.tiff") {
            // OME-TIFF: OME-XML in the description, provenance in the private tag.
            let name = String(url.lastPathComponent.prefix { $0 != "." })
            settings.description = .text(
                try OMEXML.document(for: array.rank >= 2 ? array : try array.reshaped([1, array.count]), name: name, file: url.path))
            if let provenance = options.provenance { settings.privateASCIITags = [(Self.provenanceTag, provenance)] }
        } else if options.imageJ {
            settings.description = .imageJ
            if let (imageJ, resolution) = Self.imageJ(for: array) {
                settings.description = .imageJMetadata(imageJ)
                settings.resolution = resolution
            }
            if let provenance = options.provenance { settings.privateASCIITags = [(Self.provenanceTag, provenance)] }
        } else if let provenance = options.provenance {
            settings.description = .text(provenance)
        } else if let source = options.source {
            settings.description = .json(["shape": .array(array.shape.map { .integer(Int64($0)) }), "source": .string(source)])
        }
        let shaped = array.rank >= 2 ? array : try array.reshaped(array.rank == 1 ? [1, array.shape[0]] : [1, 1])
        let stored = shaped.dtype == .bool ? try shaped.converted(to: .uint8) : shaped
        try TIFFWriter.write(stored, to: url, options: settings)
    }
}
