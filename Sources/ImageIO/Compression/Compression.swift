/// A compression scheme for TIFF strips, HDF5 chunks or Zarr chunks.
public enum Compression: Sendable, Equatable, CustomStringConvertible {
    /// Stored as is.
    case none
    /// DEFLATE in zlib framing (TIFF Adobe deflate, HDF5 gzip filter) at `level` 1...12 (libdeflate).
    case deflate(level: Int)
    /// LZW (TIFF only).
    case lzw
    /// Zstandard at `level` (TIFF only).
    case zstd(level: Int)
    /// Blosc with LZ4 and byte shuffle at `level` 0...9 (Zarr only: numcodecs' default).
    case blosc(level: Int)

    /// Parses a command-line name (`none`, `deflate`, `lzw`, `zstd`) with an optional level.
    public init?(name: String, level: Int? = nil) {
        switch name.lowercased() {
        case "none", "raw": self = .none
        case "deflate", "zlib", "gzip", "zip": self = .deflate(level: level ?? 6)
        case "lzw": self = .lzw
        case "zstd", "zstandard": self = .zstd(level: level ?? 9)
        case "blosc": self = .blosc(level: level ?? 5)
        default: return nil
        }
    }

    public var description: String {
        switch self {
        case .none: "none"
        case .deflate(let level): "deflate(\(level))"
        case .lzw: "lzw"
        case .zstd(let level): "zstd(\(level))"
        case .blosc(let level): "blosc(\(level))"
        }
    }
}
