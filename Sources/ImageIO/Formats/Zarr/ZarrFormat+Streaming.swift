import Foundation

extension ZarrFormat {
    /// The full-resolution level of image `name` (as ``read(_:name:)`` picks it), read chunk by chunk.
    public func source(_ url: URL, name: String?) throws -> any ArraySource {
        try ZarrArraySource(image: imageURL(url, name: name), level: 0)
    }

    /// Writes the image at the root of a new store at `url`, a block of whole chunks at a time.
    public func write(source: any ArraySource, to url: URL, options: ArrayWriteOptions, blockBytes: Int) throws {
        let (axes, scale) = Self.omeAxes(of: source.metadata, rank: source.shape.count)
        try OMEZarr.write(
            source: source, axes: axes, scale: scale, name: options.name, to: url, options: writeOptions(options), blockBytes: blockBytes)
    }

    /// The OME axes and scale of `metadata` when it has one axis per dimension (`nil`, `nil`: defaults).
    public static func omeAxes(of metadata: ArrayMetadata?, rank: Int) -> (axes: [OMEAxis]?, scale: [Double]?) {
        guard let metadata, metadata.axes.count == rank else { return (nil, nil) }
        return (metadata.axes.map { OMEAxis(name: $0.name, type: $0.type, unit: $0.unit) }, metadata.axes.map { $0.scale ?? 1 })
    }

    /// The store folder of image `name` (`nil` or empty: the root image, else a collection's first).
    public func imageURL(_ url: URL, name: String?) throws -> URL {
        let trimmed = name.map { $0.split(separator: "/").joined(separator: "/") } ?? ""
        if !trimmed.isEmpty {
            let names = try arrayNames(in: url)
            guard names.contains(trimmed) || FileManager.default.fileExists(atPath: url.appendingPathComponent(trimmed).path) else {
                let list = names.isEmpty ? "none" : names.prefix(20).joined(separator: ", ")
                throw ArrayFormatError.unsupported(format: self.name, reason: "\(url.path) has no image '\(trimmed)' (images: \(list))")
            }
            return url.appendingPathComponent(trimmed)
        }
        let first = try arrayNames(in: url).first ?? ""
        return first.isEmpty ? url : url.appendingPathComponent(first)
    }
}
