import Foundation
import ImJoySchema

extension ZarrArrayMetadata {
    /// Parses a v3 `zarr.json` whose `node_type` is `array`.
    static func parseV3(_ root: ZarrJSONField) throws(ZarrError) -> ZarrArrayMetadata {
        let dtypeField = root.member("data_type")
        let dtypeName = try dtypeField.string()
        guard let dtype = DType(rawValue: dtypeName) else {
            throw dtypeField.error("data type \"\(dtypeName)\" is not supported (bool, integers, floats)", kind: .unsupported)
        }
        let grid = root.member("chunk_grid")
        let gridName = try grid.member("name").string()
        guard gridName == "regular" else {
            throw grid.member("name").error("chunk grid \"\(gridName)\" is not supported", kind: .unsupported)
        }
        let shapeField = root.member("shape")
        let chunksField = grid.member("configuration").member("chunk_shape")
        let shape = try shapeField.intList(in: 0...ZarrLimits.maximumExtent)
        let chunks = try chunksField.intList(in: 1...ZarrLimits.maximumExtent)
        // A shard is never decoded whole: the sharding codec checks its inner chunks instead.
        let codecsField = root.member("codecs")
        let sharded = (codecsField.value?.arrayValue ?? []).contains { $0["name"]?.stringValue == "sharding_indexed" }
        try checkGrid(shape: shape, chunks: chunks, dtype: dtype, shapeField: shapeField, chunksField: chunksField, decodes: !sharded)
        let transformers = root.member("storage_transformers")
        if !transformers.isMissing, try !transformers.array().isEmpty {
            throw transformers.error("storage transformers are not supported", kind: .unsupported)
        }
        let encoding = try parseCodecs(codecsField, chunkShape: chunks, dtype: dtype, nested: false)
        var metadata = ZarrArrayMetadata(
            format: .v3, shape: shape, chunkShape: chunks, dtype: dtype, compressor: encoding.compressor,
            fillValue: try ZarrDataType.fillBytes(try requiredFill(root.member("fill_value")), dtype: dtype))
        metadata.bigEndian = encoding.bigEndian
        metadata.checksum = encoding.checksum
        metadata.sharding = encoding.sharding
        try parseKeyEncoding(root.member("chunk_key_encoding"), into: &metadata)
        let names = root.member("dimension_names")
        if !names.isMissing {
            let items = try names.array()
            guard items.count == shape.count else { throw names.error("\(items.count) names for \(shape.count) dimensions") }
            var parsed: [String?] = []
            for item in items { parsed.append(item.isMissing ? nil : try item.string()) }
            metadata.dimensionNames = parsed
        }
        return metadata
    }

    private static func requiredFill(_ field: ZarrJSONField) throws(ZarrError) -> ZarrJSONField {
        guard field.value != nil else { throw field.error("missing; Zarr v3 requires a fill value") }
        return field
    }

    private static func parseKeyEncoding(_ field: ZarrJSONField, into metadata: inout ZarrArrayMetadata) throws(ZarrError) {
        let name = try field.member("name").string()
        let separatorField = field.member("configuration").member("separator")
        switch name {
        case "default": metadata.prefixedKeys = true
        case "v2": metadata.prefixedKeys = false
        default: throw field.member("name").error("chunk key encoding \"\(name)\" is not supported", kind: .unsupported)
        }
        let separator = separatorField.isMissing ? (name == "default" ? "/" : ".") : try separatorField.string()
        guard separator == "." || separator == "/" else { throw separatorField.error("separator must be \".\" or \"/\"") }
        metadata.separator = Character(separator)
    }

    /// How a v3 codec chain decodes a chunk: its compressor, byte order, trailing CRC32C and, for
    /// a shard, the sharding codec (whose inner chain gives the other three).
    struct ChunkEncoding {
        var compressor = ZarrCompressor.none
        var bigEndian = false
        var checksum = false
        var sharding: ZarrSharding?
    }

    /// Reads a codec chain for chunks of `chunkShape`: an optional identity `transpose`, then
    /// `bytes` followed by at most one of `blosc` / `zstd` / `gzip` / `numcodecs.zlib` and an
    /// optional `crc32c` — or (not `nested`) `sharding_indexed` alone, whose configuration holds
    /// the inner chunks' chain. Anything else is refused as unsupported.
    static func parseCodecs(_ field: ZarrJSONField, chunkShape: [Int], dtype: DType, nested: Bool) throws(ZarrError)
        -> ChunkEncoding
    {
        let rank = chunkShape.count
        var encoding = ChunkEncoding()
        var sawArrayToBytes = false
        var sawCompressor = false
        for codec in try field.array() {
            let nameField = codec.member("name")
            let configuration = codec.member("configuration")
            let name = try nameField.string()
            switch name {
            case "transpose":
                guard !sawArrayToBytes else { throw nameField.error("transpose after the array-to-bytes codec") }
                let order = try configuration.member("order").intList(in: 0...max(rank - 1, 0))
                guard order == Array(0..<rank) else {
                    throw nameField.error("only the identity transpose (C order) is supported", kind: .unsupported)
                }
            case "bytes":
                guard !sawArrayToBytes else { throw nameField.error("more than one array-to-bytes codec") }
                sawArrayToBytes = true
                encoding.bigEndian = try parseEndian(configuration.member("endian"), dtype: dtype)
            case "sharding_indexed":
                guard !nested else { throw nameField.error("nested sharding is not supported", kind: .unsupported) }
                guard !sawArrayToBytes else { throw nameField.error("more than one array-to-bytes codec") }
                sawArrayToBytes = true
                let (sharding, inner) = try ZarrSharding.parse(configuration, shardShape: chunkShape, dtype: dtype)
                encoding = inner
                encoding.sharding = sharding
            default:
                guard sawArrayToBytes else {
                    throw nameField.error("codec \"\(name)\" before the array-to-bytes codec", kind: .unsupported)
                }
                guard encoding.sharding == nil else {
                    throw nameField.error(
                        "codec \"\(name)\" after sharding_indexed is not supported (a shard encoded whole cannot be read in part)",
                        kind: .unsupported)
                }
                guard !encoding.checksum else {
                    throw nameField.error("codec \"\(name)\" after crc32c is not supported", kind: .unsupported)
                }
                if name == "crc32c" {
                    encoding.checksum = true
                    continue
                }
                guard !sawCompressor else { throw nameField.error("more than one compressor is not supported", kind: .unsupported) }
                sawCompressor = true
                encoding.compressor = try ZarrCompressor.parseV3(name: name, codec: codec)
            }
        }
        guard sawArrayToBytes else { throw field.error("no bytes codec") }
        return encoding
    }

    /// The `bytes` codec's `endian`: whether elements are big-endian (required for multi-byte types).
    static func parseEndian(_ endian: ZarrJSONField, dtype: DType) throws(ZarrError) -> Bool {
        if !endian.isMissing {
            let text = try endian.string()
            guard text == "little" || text == "big" else { throw endian.error("endian must be \"little\" or \"big\"") }
            return text == "big" && dtype.byteSize > 1
        }
        guard dtype.byteSize == 1 else { throw endian.error("missing; required for \(dtype)") }
        return false
    }

    /// The v3 `zarr.json` document, with `attributes` when given.
    func v3JSON(attributes: JSONObject? = nil) -> JSONValue {
        var codecs: [JSONValue] = [["name": "bytes", "configuration": ["endian": "little"]]]
        if let compressorJSON = compressor.v3JSON(typeSize: dtype.byteSize) { codecs.append(compressorJSON) }
        var object: JSONObject = [
            "zarr_format": 3,
            "node_type": "array",
            "shape": .array(shape.map { .integer(Int64($0)) }),
            "data_type": .string(ZarrDataType.v3Name(dtype)),
            "chunk_grid": ["name": "regular", "configuration": ["chunk_shape": .array(chunkShape.map { .integer(Int64($0)) })]],
            "chunk_key_encoding": [
                "name": prefixedKeys ? "default" : "v2", "configuration": ["separator": .string(String(separator))],
            ],
            "fill_value": ZarrDataType.fillJSON(fillValue, dtype: dtype),
            "codecs": .array(codecs),
        ]
        if let attributes { object["attributes"] = .object(attributes) }
        if let dimensionNames { object["dimension_names"] = .array(dimensionNames.map { $0.map(JSONValue.string) ?? .null }) }
        return .object(object)
    }
}
