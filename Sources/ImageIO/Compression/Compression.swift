/// A compression scheme for TIFF strips or HDF5 chunks.
public enum Compression: Sendable, Equatable, CustomStringConvertible {
    /// Stored as is.
    case none
    /// DEFLATE in zlib framing (TIFF Adobe deflate, HDF5 gzip filter) at `level` 1...12 (libdeflate).
    case deflate(level: Int)
    /// LZW (TIFF only).
    case lzw
    /// Zstandard at `level` (TIFF only).
    case zstd(level: Int)

    /// Parses a command-line name (`none`, `deflate`, `lzw`, `zstd`) with an optional level.
    public init?(name: String, level: Int? = nil) {
        switch name.lowercased() {
        case "none", "raw": self = .none
        case "deflate", "zlib", "gzip", "zip": self = .deflate(level: level ?? 6)
        case "lzw": self = .lzw
        case "zstd", "zstandard": self = .zstd(level: level ?? 9)
        default: return nil
        }
    }

    public var description: String {
        switch self {
        case .none: "none"
        case .deflate(let level): "deflate(\(level))"
        case .lzw: "lzw"
        case .zstd(let level): "zstd(\(level))"
        }
    }
}
