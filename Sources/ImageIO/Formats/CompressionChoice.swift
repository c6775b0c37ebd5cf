/// One compression a format writes, with its level range and default: the single place these
/// numbers live (the `write-tiff`/`write-hdf5` ops, `convert` and the output writer ask here).
public struct CompressionChoice: Sendable, Equatable {
    /// The name configs use (`deflate`, `gzip`, `zstd`, `lzw`, `none`).
    public let name: String
    /// Other accepted names.
    public let aliases: [String]
    /// The levels it takes, or `nil` for none.
    public let levels: ClosedRange<Int>?
    /// The level used when none is given.
    public let defaultLevel: Int?
    /// Makes the ``Compression`` for a level (in ``levels``).
    private let make: @Sendable (Int) -> Compression

    public init(
        _ name: String, aliases: [String] = [], levels: ClosedRange<Int>? = nil, defaultLevel: Int? = nil,
        make: @escaping @Sendable (Int) -> Compression
    ) {
        self.name = name
        self.aliases = aliases
        self.levels = levels
        self.defaultLevel = defaultLevel
        self.make = make
    }

    public static func == (lhs: CompressionChoice, rhs: CompressionChoice) -> Bool {
        lhs.name == rhs.name && lhs.aliases == rhs.aliases && lhs.levels == rhs.levels && lhs.defaultLevel == rhs.defaultLevel
    }

    /// Whether `name` (any case) is this compression's name or an alias.
    public func isNamed(_ name: String) -> Bool {
        let lowered = name.lowercased()
        return lowered == self.name || aliases.contains(lowered)
    }

    /// The compression at `level` (`nil`: the default level). A level outside ``levels`` is an
    /// error; one given to a compression without levels (`none`, `lzw`) is ignored, so a config
    /// can switch compressions without removing its level.
    public func compression(level: Int?, format: String) throws(ArrayFormatError) -> Compression {
        guard let levels else { return make(0) }
        let chosen = level ?? defaultLevel ?? levels.lowerBound
        guard levels.contains(chosen) else { throw .levelOutOfRange(format: format, compression: name, level: chosen, range: levels) }
        return make(chosen)
    }

    // MARK: - The compressions ImageIO writes

    /// DEFLATE through libdeflate: levels 1–12, default 6 (TIFF Adobe deflate).
    public static let deflate = CompressionChoice("deflate", aliases: ["zlib", "zip", "gzip"], levels: 1...12, defaultLevel: 6) {
        .deflate(level: $0)
    }
    /// HDF5's gzip filter (with byte shuffle): levels 1–9 as HDF5 records them, default 4.
    public static let gzip = CompressionChoice("gzip", aliases: ["deflate", "zlib", "zip"], levels: 1...9, defaultLevel: 4) {
        .deflate(level: $0)
    }
    /// Zstandard: levels 1–22, default 9.
    public static let zstd = CompressionChoice("zstd", aliases: ["zstandard"], levels: 1...22, defaultLevel: 9) { .zstd(level: $0) }
    /// Blosc (LZ4, byte shuffle) as numcodecs writes it by default: levels 0–9, default 5 (Zarr).
    public static let blosc = CompressionChoice("blosc", aliases: ["blosc-lz4"], levels: 0...9, defaultLevel: 5) { .blosc(level: $0) }
    /// Zstandard for Zarr chunks: levels 1–22, default 3 (numcodecs' default).
    public static let zarrZstd = CompressionChoice("zstd", aliases: ["zstandard"], levels: 1...22, defaultLevel: 3) { .zstd(level: $0) }
    /// LZW (libtiff's encoder), no level.
    public static let lzw = CompressionChoice("lzw") { _ in .lzw }
    /// Stored as is.
    public static let none = CompressionChoice("none", aliases: ["raw"]) { _ in .none }
}
