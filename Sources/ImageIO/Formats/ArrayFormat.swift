import Foundation

/// A file format for n-d arrays: what `--format`, `output.format`, `convert`, the read/write
/// built-in ops and `check-functional` know about it. Formats are registered in
/// ``ArrayFormatRegistry/standard``; docs/ARCHITECTURE.md ("A new array format") has the recipe.
///
/// A format is either one array per file (TIFF), or a container of named arrays ("datasets":
/// HDF5 groups, or a Zarr directory store's groups) that one item's ops — or every item of a
/// run — can share.
public protocol ArrayFormat: Sendable {
    /// The name workflows (`output.format`) and `--format` use: lowercase, e.g. `tiff`.
    var name: String { get }
    /// Other spellings accepted for ``name`` (`tif`), lowercase.
    var aliases: [String] { get }
    /// File (or directory-store) extensions without the dot, lowercase; the first is the one
    /// outputs get.
    var fileExtensions: [String] { get }
    /// Whether an output is one file or a directory store.
    var storage: ArrayFormatStorage { get }
    /// What the format can hold.
    var capabilities: ArrayFormatCapabilities { get }
    /// How provenance goes into a written file.
    var provenance: ProvenanceEmbedding { get }
    /// The compressions it writes, the default first.
    var compressions: [CompressionChoice] { get }

    /// The names of the arrays in the file at `url` (container formats), in file order; a
    /// one-array format returns `[]`.
    func arrayNames(in url: URL) throws -> [String]
    /// Reads the array at `url`: `name` picks one in a container (`nil`: the first).
    func read(_ url: URL, name: String?) throws -> NDArray
    /// Writes `array` to `url` (atomically: nothing appears under `url` unless it succeeds).
    func write(_ array: NDArray, to url: URL, options: ArrayWriteOptions) throws

    /// Opens the array at `url` (`name` as in ``read(_:name:)``) for lazy reading: only metadata
    /// now, pages, chunks or hyperslabs when a box is read (docs/imageio.md, "Streaming").
    func source(_ url: URL, name: String?) throws -> any ArraySource
    /// Writes the array `source` provides to `url`, reading at most about `blockBytes` of it at a
    /// time, atomically like ``write(_:to:options:)``.
    func write(source: any ArraySource, to url: URL, options: ArrayWriteOptions, blockBytes: Int) throws
}

extension ArrayFormat {
    /// The extension outputs get (the first of ``fileExtensions``).
    public var defaultExtension: String { fileExtensions[0] }

    /// The compression used when none is asked for.
    public var defaultCompression: CompressionChoice { compressions[0] }

    /// A format without lazy reads: the array read whole, as an in-memory source.
    public func source(_ url: URL, name: String?) throws -> any ArraySource {
        try read(url, name: name)
    }

    /// A format without block-wise writes: the whole array (up to physical memory), written at once.
    public func write(source: any ArraySource, to url: URL, options: ArrayWriteOptions, blockBytes: Int) throws {
        try write(source.readAll(limit: NDArray.maximumByteCount), to: url, options: options)
    }

    /// Whether `name` (any case) is this format's name or an alias.
    public func isNamed(_ name: String) -> Bool {
        let lowered = name.lowercased()
        return lowered == self.name || aliases.contains(lowered)
    }

    /// The compression called `name` (or an alias of it) at `level` (`nil`: its default).
    ///
    /// - Throws: ``ArrayFormatError`` naming the choices, or the level range.
    public func compression(named name: String?, level: Int?) throws(ArrayFormatError) -> Compression {
        guard let name else { return try defaultCompression.compression(level: level, format: self.name) }
        guard let choice = compressions.first(where: { $0.isNamed(name) }) else {
            throw .unknownCompression(format: self.name, name: name, known: compressions.map(\.name))
        }
        return try choice.compression(level: level, format: self.name)
    }
}

/// Whether an output is a single file or a directory.
public enum ArrayFormatStorage: Sendable, Equatable {
    /// One file (TIFF, HDF5).
    case file
    /// A directory of files (a Zarr store): written under a temporary sibling directory and
    /// renamed into place like a file.
    case directory
}

/// What an ``ArrayFormat`` can hold.
public struct ArrayFormatCapabilities: OptionSet, Sendable {
    public let rawValue: Int
    public init(rawValue: Int) { self.rawValue = rawValue }

    /// One file holds several named arrays (datasets); an object result with several arrays is
    /// one file, not one file per array.
    public static let namedArrays = ArrayFormatCapabilities(rawValue: 1 << 0)
    /// One file can collect every item's arrays (`/<item>/<dataset>`), when the output path
    /// template has no `{item}`/`{stem}`.
    public static let sharedAcrossItems = ArrayFormatCapabilities(rawValue: 1 << 1)
    /// ImageJ hyperstack metadata (`imagej`).
    public static let imageJ = ArrayFormatCapabilities(rawValue: 1 << 2)
    /// Pages stored in tiles (``ArrayWriteOptions/tileShape``).
    public static let tiles = ArrayFormatCapabilities(rawValue: 1 << 3)
    /// Sub-resolution levels (``ArrayWriteOptions/pyramidLevels``).
    public static let pyramids = ArrayFormatCapabilities(rawValue: 1 << 4)
}

extension ArrayFormat {
    /// Refuses options `self` cannot honour (tiles, pyramid levels), naming the format and the
    /// file: an asked-for layout is never silently dropped.
    public func checkCapabilities(_ options: ArrayWriteOptions, file: URL) throws {
        var missing: [String] = []
        if options.tileShape != nil, !capabilities.contains(.tiles) { missing.append("tiles") }
        if options.pyramidLevels > 0, !capabilities.contains(.pyramids) { missing.append("pyramid levels") }
        guard missing.isEmpty else {
            throw ArrayFormatError.unsupported(
                format: name, reason: "\(file.path): \(name) cannot store \(missing.joined(separator: " or "))")
        }
    }
}

/// How provenance (one JSON text per output) is embedded in a written file.
public enum ProvenanceEmbedding: Sendable, Equatable {
    /// In the file's description text (TIFF ImageDescription); when that holds other metadata
    /// (ImageJ), in the private ASCII tag `privateTag`.
    case description(privateTag: UInt32)
    /// As the string attribute `name` of each array written (HDF5, Zarr attributes).
    case attribute(name: String)
    /// In `NAME.provenance.json` beside the file.
    case sidecar
}

/// How to write one array.
public struct ArrayWriteOptions: Sendable {
    /// The compression (see ``ArrayFormat/compression(named:level:)``); `nil`: the format's default.
    public var compression: Compression?
    /// Provenance JSON text, embedded as the format's ``ArrayFormat/provenance`` says.
    public var provenance: String?
    /// The array's name in a container format (`nil`: the format's default, `/data`).
    public var name: String?
    /// ImageJ hyperstack metadata (formats with ``ArrayFormatCapabilities/imageJ``).
    public var imageJ = false
    /// `true` forces a 64-bit layout (BigTIFF), `false` forbids it, `nil` decides by size.
    public var largeFile: Bool?
    /// Whether the file is `fsync`ed before it is renamed into place.
    public var synchronizes = false
    /// Free text naming where the array came from (`convert`'s `source`), when no provenance is given.
    public var source: String?
    /// Pages stored in tiles of `[rows, columns]` (formats with ``ArrayFormatCapabilities/tiles``);
    /// `nil`: the format's default layout.
    public var tileShape: [Int]?
    /// Sub-resolution levels, each half the size of the one above (formats with
    /// ``ArrayFormatCapabilities/pyramids``).
    public var pyramidLevels = 0

    public init(compression: Compression? = nil, provenance: String? = nil, name: String? = nil) {
        self.compression = compression
        self.provenance = provenance
        self.name = name
    }
}

/// A request an ``ArrayFormat`` cannot serve; names the format.
public enum ArrayFormatError: Error, CustomStringConvertible, Equatable, Sendable {
    case unknownCompression(format: String, name: String, known: [String])
    case levelOutOfRange(format: String, compression: String, level: Int, range: ClosedRange<Int>)
    case unsupported(format: String, reason: String)

    public var description: String {
        switch self {
        case .unknownCompression(let format, let name, let known):
            "\(format) has no compression '\(name)' (\(known.joined(separator: ", ")))"
        case .levelOutOfRange(let format, let compression, let level, let range):
            "\(format) \(compression) level \(level) is outside \(range.lowerBound)...\(range.upperBound)"
        case .unsupported(let format, let reason):
            "\(format): \(reason)"
        }
    }
}
