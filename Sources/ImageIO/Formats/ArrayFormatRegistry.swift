import Foundation

/// The array formats imjoy-run reads and writes. ``standard`` is the registry every command and
/// op asks; adding a format is one folder under `Sources/ImageIO/Formats/` and one line in it.
public struct ArrayFormatRegistry: Sendable {
    /// The formats, in the order they are listed (the first is the default output format).
    public let formats: [any ArrayFormat]

    public init(_ formats: [any ArrayFormat]) {
        self.formats = formats
    }

    /// The registry of the product: TIFF (the default output format), HDF5 and OME-Zarr.
    public static let standard = ArrayFormatRegistry([
        TIFFFormat(),
        HDF5Format(),
        ZarrFormat(),
    ])

    /// The format called `name` (its name or an alias, any case), or `nil`.
    public func format(named name: String) -> (any ArrayFormat)? {
        formats.first { $0.isNamed(name) }
    }

    /// The format of `url`, by its extension (any case), or `nil`.
    public func format(for url: URL) -> (any ArrayFormat)? {
        format(forExtension: url.pathExtension)
    }

    /// The format whose extensions include `ext` (without the dot, any case), or `nil`.
    public func format(forExtension ext: String) -> (any ArrayFormat)? {
        let lowered = ext.lowercased()
        return formats.first { $0.fileExtensions.contains(lowered) }
    }

    /// The formats' names, in order (`tiff`, `hdf5`, `zarr`).
    public var names: [String] { formats.map(\.name) }

    /// Every extension of every format, lowercase, without dots.
    public var fileExtensions: Set<String> { Set(formats.flatMap(\.fileExtensions)) }

    /// "`.tif`, `.tiff`, `.h5` …" for messages.
    public var extensionList: String {
        formats.flatMap(\.fileExtensions).map { "." + $0 }.joined(separator: ", ")
    }
}
