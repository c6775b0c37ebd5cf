import Foundation
import ImJoySchema

extension TIFFFormat {
    /// The stack at `url`, read page by page (strips or tiles of the rows asked for).
    public func source(_ url: URL, name: String?) throws -> any ArraySource {
        try TIFFStackSource(url: url)
    }

    /// Writes the array `source` provides, a group of whole pages at a time: ImageJ metadata,
    /// provenance and compression as ``write(_:to:options:)``, OME-XML for a `.ome.tif` name
    /// (from the source's shape and metadata).
    public func write(source: any ArraySource, to url: URL, options: ArrayWriteOptions, blockBytes: Int) throws {
        var settings = TIFFWriter.Options(compression: try options.compression ?? compression(named: nil, level: nil))
        settings.bigTIFF = options.largeFile
        settings.synchronizes = options.synchronizes
        let lowered = url.lastPathComponent.lowercased()
        if !options.imageJ, lowered.hasSuffix(".ome.tif") || lowered.hasSuffix(".ome.tiff") {
            // OME-TIFF: OME-XML in the description, provenance in the private tag.
            guard source.shape.count >= 2 else {
                throw ArrayFormatError.unsupported(format: name, reason: "\(url.path): OME-TIFF of a \(source.shape.count)-d array")
            }
            let imageName = String(url.lastPathComponent.prefix { $0 != "." })
            settings.description = .text(
                try OMEXML.document(shape: source.shape, dtype: source.dtype, metadata: source.metadata, name: imageName, file: url.path))
            if let provenance = options.provenance { settings.privateASCIITags = [(Self.provenanceTag, provenance)] }
        } else if options.imageJ {
            settings.description = .imageJ
            if let (imageJ, resolution) = Self.imageJ(shape: source.shape, metadata: source.metadata) {
                settings.description = .imageJMetadata(imageJ)
                settings.resolution = resolution
            }
            if let provenance = options.provenance { settings.privateASCIITags = [(Self.provenanceTag, provenance)] }
        } else if let provenance = options.provenance {
            settings.description = .text(provenance)
        } else if let origin = options.source {
            settings.description = .json(["shape": .array(source.shape.map { .integer(Int64($0)) }), "source": .string(origin)])
        }
        try TIFFWriter.write(source: source, to: url, options: settings, blockBytes: blockBytes)
    }
}
