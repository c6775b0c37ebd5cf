import Foundation
import ImJoySchema

/// How Zarr chunks are compressed.
///
/// ``bloscDefault`` is what zarr-python 2 / numcodecs write by default (Blosc, LZ4, level 5, byte
/// shuffle) and what most OME-Zarr in the wild uses; Zarr v3's own default is zstd. ``gzip`` and
/// ``zlib`` are read only (libdeflate): the writers refuse them (``isWritable``).
public enum ZarrCompressor: Sendable, Equatable, CustomStringConvertible {
    /// Chunks stored raw.
    case none
    /// Zstandard (libzstd) at `level`, without the frame checksum.
    case zstd(level: Int)
    /// Blosc (c-blosc 1.x) with an inner `compressor`, `level` 0...9 and a `shuffle`.
    case blosc(compressor: BloscCompressor, level: Int, shuffle: BloscShuffle)
    /// DEFLATE in gzip framing (v3 `gzip` or `numcodecs.gzip`, numcodecs `gzip`); read only.
    case gzip(level: Int)
    /// DEFLATE in zlib framing (numcodecs `zlib`, v3 `numcodecs.zlib`); read only.
    case zlib(level: Int)

    /// Blosc's inner compressors (its `cname`).
    public enum BloscCompressor: String, Sendable, CaseIterable {
        case lz4, lz4hc, blosclz, zstd, zlib
    }

    /// Blosc's pre-filter: none, byte shuffle or bit shuffle (numcodecs' 0, 1, 2).
    public enum BloscShuffle: String, Sendable, CaseIterable {
        case noshuffle, shuffle, bitshuffle

        /// numcodecs' integer code.
        public var code: Int {
            switch self {
            case .noshuffle: 0
            case .shuffle: 1
            case .bitshuffle: 2
            }
        }

        /// The shuffle for a numcodecs code (`-1`, auto, is byte shuffle).
        public init?(code: Int) {
            switch code {
            case 0: self = .noshuffle
            case 1, -1: self = .shuffle
            case 2: self = .bitshuffle
            default: return nil
            }
        }
    }

    /// numcodecs' default Blosc: LZ4, level 5, byte shuffle.
    public static let bloscDefault = ZarrCompressor.blosc(compressor: .lz4, level: 5, shuffle: .shuffle)

    /// Parses a command-line name: `none`, `zstd`, `blosc` (LZ4), `blosc-lz4`, `blosc-zstd`, …,
    /// with an optional level.
    public init?(name: String, level: Int? = nil) {
        let lower = name.lowercased()
        switch lower {
        case "none", "raw": self = .none
        case "zstd", "zstandard": self = .zstd(level: level ?? 3)
        case "blosc": self = .blosc(compressor: .lz4, level: level ?? 5, shuffle: .shuffle)
        default:
            guard lower.hasPrefix("blosc-"), let inner = BloscCompressor(rawValue: String(lower.dropFirst(6))) else { return nil }
            self = .blosc(compressor: inner, level: level ?? 5, shuffle: .shuffle)
        }
    }

    public var description: String {
        switch self {
        case .none: "none"
        case .zstd(let level): "zstd(\(level))"
        case .blosc(let inner, let level, let shuffle): "blosc(\(inner.rawValue), \(level), \(shuffle.rawValue))"
        case .gzip(let level): "gzip(\(level))"
        case .zlib(let level): "zlib(\(level))"
        }
    }

    /// Whether ImageIO writes chunks with this compressor (gzip and zlib are only read).
    public var isWritable: Bool {
        switch self {
        case .none, .zstd, .blosc: true
        case .gzip, .zlib: false
        }
    }

    // MARK: - Metadata

    /// The Zarr v2 `compressor` member.
    func v2JSON() -> JSONValue {
        switch self {
        case .none: .null
        case .zstd(let level): ["id": "zstd", "level": .integer(Int64(level)), "checksum": false]
        case .blosc(let inner, let level, let shuffle):
            [
                "id": "blosc", "cname": .string(inner.rawValue), "clevel": .integer(Int64(level)),
                "shuffle": .integer(Int64(shuffle.code)), "blocksize": 0,
            ]
        case .gzip(let level): ["id": "gzip", "level": .integer(Int64(level))]
        case .zlib(let level): ["id": "zlib", "level": .integer(Int64(level))]
        }
    }

    /// The Zarr v3 bytes-to-bytes codec, or `nil` for ``none``.
    func v3JSON(typeSize: Int) -> JSONValue? {
        switch self {
        case .none: nil
        case .zstd(let level): ["name": "zstd", "configuration": ["level": .integer(Int64(level)), "checksum": false]]
        case .blosc(let inner, let level, let shuffle):
            [
                "name": "blosc",
                "configuration": [
                    "cname": .string(inner.rawValue), "clevel": .integer(Int64(level)),
                    "shuffle": .string(shuffle.rawValue), "typesize": .integer(Int64(typeSize)), "blocksize": 0,
                ],
            ]
        case .gzip(let level): ["name": "gzip", "configuration": ["level": .integer(Int64(level))]]
        case .zlib(let level): ["name": "numcodecs.zlib", "configuration": ["level": .integer(Int64(level))]]
        }
    }

    /// The compressor of a Zarr v2 `compressor` member.
    static func parseV2(_ field: ZarrJSONField) throws(ZarrError) -> ZarrCompressor {
        if field.isMissing { return .none }
        let id = try field.member("id").string()
        switch id {
        case "zstd":
            return .zstd(level: field.member("level").isMissing ? 0 : try field.member("level").int())
        case "blosc":
            let shuffleField = field.member("shuffle")
            let code = shuffleField.isMissing ? 1 : try shuffleField.int()
            guard let shuffle = BloscShuffle(code: code) else { throw shuffleField.error("unknown Blosc shuffle \(code)") }
            return .blosc(
                compressor: try parseCName(field.member("cname")), level: try parseLevel(field.member("clevel")), shuffle: shuffle)
        case "gzip":
            return .gzip(level: try parseDeflateLevel(field.member("level")))
        case "zlib":
            return .zlib(level: try parseDeflateLevel(field.member("level")))
        default:
            throw field.member("id").error(
                "compressor \"\(id)\" is not supported (blosc, zstd, gzip, zlib or none)", kind: .unsupported)
        }
    }

    /// The compressor of a Zarr v3 bytes-to-bytes codec (`name` already read from `codec`).
    static func parseV3(name: String, codec: ZarrJSONField) throws(ZarrError) -> ZarrCompressor {
        let field = codec.member("configuration")
        switch name {
        case "zstd":
            return .zstd(level: field.member("level").isMissing ? 0 : try field.member("level").int())
        case "blosc":
            let shuffleField = field.member("shuffle")
            let text = shuffleField.isMissing ? "shuffle" : try shuffleField.string()
            guard let shuffle = BloscShuffle(rawValue: text) else { throw shuffleField.error("unknown Blosc shuffle \"\(text)\"") }
            return .blosc(
                compressor: try parseCName(field.member("cname")), level: try parseLevel(field.member("clevel")), shuffle: shuffle)
        case "gzip", "numcodecs.gzip":
            return .gzip(level: try parseDeflateLevel(field.member("level")))
        case "numcodecs.zlib":
            return .zlib(level: try parseDeflateLevel(field.member("level")))
        default:
            throw codec.member("name").error(
                "codec \"\(name)\" is not supported (bytes, transpose (C order), blosc, zstd, gzip, crc32c, sharding_indexed)",
                kind: .unsupported)
        }
    }

    private static func parseCName(_ field: ZarrJSONField) throws(ZarrError) -> BloscCompressor {
        if field.isMissing { return .lz4 }
        let name = try field.string()
        guard let inner = BloscCompressor(rawValue: name) else { throw field.error("unknown Blosc cname \"\(name)\"", kind: .unsupported) }
        return inner
    }

    /// A gzip / zlib `level` (only recorded: decoding does not need it); default 1 as numcodecs.
    private static func parseDeflateLevel(_ field: ZarrJSONField) throws(ZarrError) -> Int {
        if field.isMissing { return 1 }
        let level = try field.int()
        guard (-1...9).contains(level) else { throw field.error("deflate level \(level) is outside -1...9") }
        return level
    }

    private static func parseLevel(_ field: ZarrJSONField) throws(ZarrError) -> Int {
        if field.isMissing { return 5 }
        let level = try field.int()
        guard (0...9).contains(level) else { throw field.error("Blosc clevel \(level) is outside 0...9") }
        return level
    }
}
