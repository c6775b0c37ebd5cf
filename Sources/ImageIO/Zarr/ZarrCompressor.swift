import Foundation
import ImJoySchema

/// How Zarr chunks are compressed.
///
/// ``bloscDefault`` is what zarr-python 2 / numcodecs write by default (Blosc, LZ4, level 5, byte
/// shuffle) and what most OME-Zarr in the wild uses; Zarr v3's own default is zstd.
public enum ZarrCompressor: Sendable, Equatable, CustomStringConvertible {
    /// Chunks stored raw.
    case none
    /// Zstandard (libzstd) at `level`, without the frame checksum.
    case zstd(level: Int)
    /// Blosc (c-blosc 1.x) with an inner `compressor`, `level` 0...9 and a `shuffle`.
    case blosc(compressor: BloscCompressor, level: Int, shuffle: BloscShuffle)

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
        default:
            throw field.member("id").error("compressor \"\(id)\" is not supported (blosc, zstd or none)", kind: .unsupported)
        }
    }

    /// The compressor of a Zarr v3 bytes-to-bytes codec (`name` already read).
    static func parseV3(name: String, configuration field: ZarrJSONField) throws(ZarrError) -> ZarrCompressor {
        switch name {
        case "zstd":
            return .zstd(level: field.member("level").isMissing ? 0 : try field.member("level").int())
        case "blosc":
            let shuffleField = field.member("shuffle")
            let text = shuffleField.isMissing ? "shuffle" : try shuffleField.string()
            guard let shuffle = BloscShuffle(rawValue: text) else { throw shuffleField.error("unknown Blosc shuffle \"\(text)\"") }
            return .blosc(
                compressor: try parseCName(field.member("cname")), level: try parseLevel(field.member("clevel")), shuffle: shuffle)
        default:
            throw field.error("codec \"\(name)\" is not supported (bytes, blosc, zstd)", kind: .unsupported)
        }
    }

    private static func parseCName(_ field: ZarrJSONField) throws(ZarrError) -> BloscCompressor {
        if field.isMissing { return .lz4 }
        let name = try field.string()
        guard let inner = BloscCompressor(rawValue: name) else { throw field.error("unknown Blosc cname \"\(name)\"", kind: .unsupported) }
        return inner
    }

    private static func parseLevel(_ field: ZarrJSONField) throws(ZarrError) -> Int {
        if field.isMissing { return 5 }
        let level = try field.int()
        guard (0...9).contains(level) else { throw field.error("Blosc clevel \(level) is outside 0...9") }
        return level
    }
}
