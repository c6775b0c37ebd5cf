import Foundation
import ImJoySchema

/// The metadata of one Zarr array (v2 `.zarray`, or a v3 `zarr.json` of node type `array`).
///
/// Only what ImageIO handles is represented: a regular chunk grid, C order, the ``DType``s, one
/// optional compressor (``ZarrCompressor``), an optional trailing CRC32C, and v3 sharding
/// (``ZarrSharding``, read only). Anything else is refused when parsing.
///
/// In a sharded array ``chunkShape`` is the shard shape (the chunk grid of `zarr.json`: one
/// stored object per shard), while ``compressor``, ``bigEndian`` and ``checksum`` describe the
/// inner chunks, the units a read decodes (``innerChunkShape``).
public struct ZarrArrayMetadata: Sendable, Equatable {
    /// The Zarr format version.
    public enum Format: Int, Sendable, CaseIterable {
        case v2 = 2
        case v3 = 3
    }

    /// The Zarr format version.
    public var format: Format
    /// The array's extent per dimension.
    public var shape: [Int]
    /// The chunk's extent per dimension (every chunk has this shape; edge chunks are padded); the
    /// shard shape of a sharded array.
    public var chunkShape: [Int]
    /// The element type.
    public var dtype: DType
    /// Whether the chunks hold big-endian elements (read only; ImageIO writes little-endian).
    public var bigEndian: Bool
    /// The chunk compressor (of the inner chunks when sharded).
    public var compressor: ZarrCompressor
    /// Whether every (inner) chunk ends in the CRC32C of its encoded bytes (v3 `crc32c` after the
    /// compressor; read only).
    public var checksum: Bool
    /// The v3 `sharding_indexed` codec, when the array is sharded (read only).
    public var sharding: ZarrSharding?
    /// The fill value's element bytes (native order): the value of chunks that are not stored.
    public var fillValue: [UInt8]
    /// The chunk key separator, `/` or `.`.
    public var separator: Character
    /// Whether chunk keys start with `c` (Zarr v3's `default` key encoding).
    public var prefixedKeys: Bool
    /// Zarr v3's `dimension_names`, when present.
    public var dimensionNames: [String?]?

    /// Metadata for a new array.
    public init(
        format: Format, shape: [Int], chunkShape: [Int], dtype: DType, compressor: ZarrCompressor,
        fillValue: [UInt8]? = nil, dimensionNames: [String?]? = nil
    ) {
        self.format = format
        self.shape = shape
        self.chunkShape = chunkShape
        self.dtype = dtype
        self.bigEndian = false
        self.compressor = compressor
        self.checksum = false
        self.sharding = nil
        self.fillValue = fillValue ?? [UInt8](repeating: 0, count: dtype.byteSize)
        self.separator = "/"
        self.prefixedKeys = format == .v3
        self.dimensionNames = dimensionNames
    }

    /// The number of chunks per dimension.
    public var chunkCounts: [Int] { zip(shape, chunkShape).map { ($0 + $1 - 1) / $1 } }
    /// The bytes of one decoded chunk (a whole shard when sharded).
    public var chunkByteCount: Int { chunkShape.reduce(dtype.byteSize, *) }
    /// The chunks a read decodes: the inner chunks of a sharded array, else ``chunkShape``.
    public var innerChunkShape: [Int] { sharding?.chunkShape ?? chunkShape }
    /// The bytes of one decoded ``innerChunkShape`` chunk.
    public var innerChunkByteCount: Int { innerChunkShape.reduce(dtype.byteSize, *) }

    /// Why ImageIO cannot write an array with this metadata (`nil`: it can): what is only read —
    /// sharding, a CRC32C, big-endian elements, the gzip and zlib compressors.
    public var writeRefusal: String? {
        if sharding != nil { return "sharded arrays are read, not written" }
        if checksum { return "the crc32c codec is read, not written" }
        if bigEndian { return "big-endian chunks are read, not written" }
        if !compressor.isWritable { return "the \(compressor) compressor is read, not written (blosc, zstd or none)" }
        return nil
    }

    /// The key (path relative to the array) of the chunk at grid position `indices`.
    public func chunkKey(_ indices: [Int]) -> String {
        let parts = indices.map(String.init)
        if prefixedKeys { return (["c"] + parts).joined(separator: String(separator)) }
        return parts.isEmpty ? "0" : parts.joined(separator: String(separator))
    }

    // MARK: - Checks shared by both versions

    /// Checks shape and chunk shape against each other and ``ZarrLimits``; `decodes` false skips
    /// the decoded-chunk limit (a sharded array's shards are never decoded whole: its inner chunks
    /// are checked instead).
    static func checkGrid(
        shape: [Int], chunks: [Int], dtype: DType, shapeField: ZarrJSONField, chunksField: ZarrJSONField, decodes: Bool = true
    ) throws(ZarrError) {
        guard shape.count <= ZarrLimits.maximumRank else {
            throw shapeField.error("\(shape.count) dimensions, more than \(ZarrLimits.maximumRank)", kind: .tooLarge)
        }
        guard chunks.count == shape.count else {
            throw chunksField.error("\(chunks.count) chunk extents for \(shape.count) dimensions")
        }
        do {
            _ = try NDArray.checkedByteCount(shape: shape, dtype: dtype, limit: .max)
        } catch {
            throw shapeField.error("shape \(shape) overflows", kind: .tooLarge)
        }
        let chunkBytes = chunks.reduce(dtype.byteSize) { $0.multipliedReportingOverflow(by: $1).overflow ? .max : $0 * $1 }
        guard !decodes || chunkBytes <= ZarrLimits.maximumChunkBytes else {
            throw chunksField.error("chunks of \(chunks) \(dtype) elements exceed \(ZarrLimits.maximumChunkBytes) bytes", kind: .tooLarge)
        }
    }

    // MARK: - Zarr v2

    /// Parses a v2 `.zarray` document.
    static func parseV2(_ root: ZarrJSONField) throws(ZarrError) -> ZarrArrayMetadata {
        _ = try root.object()
        let format = root.member("zarr_format")
        guard try format.int() == 2 else { throw format.error("zarr_format must be 2 in .zarray") }
        let dtypeField = root.member("dtype")
        guard let dtypeText = dtypeField.value?.stringValue else {
            throw dtypeField.error("structured data types are not supported", kind: .unsupported)
        }
        guard let (dtype, bigEndian) = ZarrDataType.parseV2(dtypeText) else {
            throw dtypeField.error("data type \"\(dtypeText)\" is not supported (bool, integers, floats)", kind: .unsupported)
        }
        let shapeField = root.member("shape")
        let chunksField = root.member("chunks")
        let shape = try shapeField.intList(in: 0...ZarrLimits.maximumExtent)
        let chunks = try chunksField.intList(in: 1...ZarrLimits.maximumExtent)
        try checkGrid(shape: shape, chunks: chunks, dtype: dtype, shapeField: shapeField, chunksField: chunksField)
        let order = root.member("order")
        if !order.isMissing, try order.string() != "C" { throw order.error("only C order is supported", kind: .unsupported) }
        let filters = root.member("filters")
        if !filters.isMissing, try !filters.array().isEmpty { throw filters.error("filters are not supported", kind: .unsupported) }
        var metadata = ZarrArrayMetadata(
            format: .v2, shape: shape, chunkShape: chunks, dtype: dtype,
            compressor: try ZarrCompressor.parseV2(root.member("compressor")),
            fillValue: try ZarrDataType.fillBytes(root.member("fill_value"), dtype: dtype))
        metadata.bigEndian = bigEndian
        metadata.prefixedKeys = false
        let separatorField = root.member("dimension_separator")
        let separator = separatorField.isMissing ? "." : try separatorField.string()
        guard separator == "." || separator == "/" else { throw separatorField.error("dimension_separator must be \".\" or \"/\"") }
        metadata.separator = Character(separator)
        return metadata
    }

    /// The v2 `.zarray` document.
    func v2JSON() -> JSONValue {
        let object: JSONObject = [
            "chunks": .array(chunkShape.map { .integer(Int64($0)) }),
            "compressor": compressor.v2JSON(),
            "dimension_separator": .string(String(separator)),
            "dtype": .string(ZarrDataType.v2Name(dtype)),
            "fill_value": ZarrDataType.fillJSON(fillValue, dtype: dtype),
            "filters": .null,
            "order": "C",
            "shape": .array(shape.map { .integer(Int64($0)) }),
            "zarr_format": 2,
        ]
        return .object(object)
    }
}
