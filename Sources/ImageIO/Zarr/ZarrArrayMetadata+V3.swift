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
        try checkGrid(shape: shape, chunks: chunks, dtype: dtype, shapeField: shapeField, chunksField: chunksField)
        let transformers = root.member("storage_transformers")
        if !transformers.isMissing, try !transformers.array().isEmpty {
            throw transformers.error("storage transformers are not supported", kind: .unsupported)
        }
        let (compressor, bigEndian) = try parseCodecs(root.member("codecs"), rank: shape.count, dtype: dtype)
        var metadata = ZarrArrayMetadata(
            format: .v3, shape: shape, chunkShape: chunks, dtype: dtype, compressor: compressor,
            fillValue: try ZarrDataType.fillBytes(try requiredFill(root.member("fill_value")), dtype: dtype))
        metadata.bigEndian = bigEndian
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

    /// Reads the codec chain: an optional identity `transpose`, `bytes`, then at most one of
    /// `blosc` / `zstd`. Returns the compressor and whether elements are big-endian.
    private static func parseCodecs(_ field: ZarrJSONField, rank: Int, dtype: DType) throws(ZarrError) -> (ZarrCompressor, Bool) {
        var sawBytes = false
        var bigEndian = false
        var compressor = ZarrCompressor.none
        var sawCompressor = false
        for codec in try field.array() {
            let nameField = codec.member("name")
            let configuration = codec.member("configuration")
            let name = try nameField.string()
            switch name {
            case "transpose":
                guard !sawBytes else { throw nameField.error("transpose after bytes") }
                let order = try configuration.member("order").intList(in: 0...max(rank - 1, 0))
                guard order == Array(0..<rank) else {
                    throw nameField.error("only the identity transpose (C order) is supported", kind: .unsupported)
                }
            case "bytes":
                guard !sawBytes else { throw nameField.error("more than one bytes codec") }
                sawBytes = true
                let endian = configuration.member("endian")
                if !endian.isMissing {
                    let text = try endian.string()
                    guard text == "little" || text == "big" else { throw endian.error("endian must be \"little\" or \"big\"") }
                    bigEndian = text == "big" && dtype.byteSize > 1
                } else if dtype.byteSize > 1 {
                    throw endian.error("missing; required for \(dtype)")
                }
            case "sharding_indexed":
                throw nameField.error("sharded arrays are not supported", kind: .unsupported)
            default:
                guard sawBytes else { throw nameField.error("codec \"\(name)\" before the bytes codec", kind: .unsupported) }
                guard !sawCompressor else { throw nameField.error("more than one compressor is not supported", kind: .unsupported) }
                sawCompressor = true
                compressor = try ZarrCompressor.parseV3(name: name, configuration: configuration)
            }
        }
        guard sawBytes else { throw field.error("no bytes codec") }
        return (compressor, bigEndian)
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
