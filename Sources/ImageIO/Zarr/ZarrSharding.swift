import Foundation

/// Zarr v3's `sharding_indexed` codec (ZEP 2), read only: each chunk of the array's grid is a
/// shard, stored as one object holding inner chunks of ``chunkShape`` (each encoded with the inner
/// codec chain: ``ZarrArrayMetadata/compressor``, ``ZarrArrayMetadata/checksum``) in any order,
/// and an index of one little-endian `(offset, nbytes)` pair of `UInt64`s per inner chunk (C
/// order; `(2^64-1, 2^64-1)` for an inner chunk not stored, which reads as the fill value),
/// optionally followed by its CRC32C, at the object's ``IndexLocation/start`` or
/// ``IndexLocation/end``. A shard object that does not exist reads as the fill value.
public struct ZarrSharding: Sendable, Equatable {
    /// Where a shard's index is.
    public enum IndexLocation: String, Sendable, Equatable {
        case start, end
    }

    /// The inner chunks' shape (divides the shard shape on every axis).
    public var chunkShape: [Int]
    /// Inner chunks per shard along each axis (shard shape ÷ ``chunkShape``).
    public var chunksPerShard: [Int]
    /// Where the index is in a shard object.
    public var indexLocation: IndexLocation
    /// Whether the index ends in its CRC32C (`crc32c` in `index_codecs`, zarr-python's default).
    public var indexChecksum: Bool
    /// Whether the index holds big-endian integers (`bytes` endian big in `index_codecs`).
    public var indexBigEndian: Bool

    /// Inner chunks per shard.
    public var chunksPerShardCount: Int { chunksPerShard.reduce(1, *) }
    /// The index's size in bytes: 16 per inner chunk, and 4 for its CRC32C.
    public var indexByteCount: Int { 16 * chunksPerShardCount + (indexChecksum ? 4 : 0) }

    /// The most inner chunks a shard may hold: 2^22, a 64 MiB index.
    public static let maximumChunksPerShard = 1 << 22

    /// Parses the codec's `configuration` for shards of `shardShape`: the sharding and the inner
    /// chunks' encoding.
    static func parse(_ configuration: ZarrJSONField, shardShape: [Int], dtype: DType) throws(ZarrError) -> (
        ZarrSharding, ZarrArrayMetadata.ChunkEncoding
    ) {
        let chunksField = configuration.member("chunk_shape")
        let inner = try chunksField.intList(in: 1...ZarrLimits.maximumExtent)
        guard inner.count == shardShape.count else {
            throw chunksField.error("\(inner.count) inner chunk extents for \(shardShape.count) dimensions")
        }
        guard zip(shardShape, inner).allSatisfy({ $0 % $1 == 0 }) else {
            throw chunksField.error("inner chunks of \(inner) do not divide the shard shape \(shardShape)")
        }
        let innerBytes = inner.reduce(dtype.byteSize) { $0.multipliedReportingOverflow(by: $1).overflow ? .max : $0 * $1 }
        guard innerBytes <= ZarrLimits.maximumChunkBytes else {
            throw chunksField.error(
                "inner chunks of \(inner) \(dtype) elements exceed \(ZarrLimits.maximumChunkBytes) bytes", kind: .tooLarge)
        }
        let perShard = zip(shardShape, inner).map { $0 / $1 }
        let count = perShard.reduce(1) { $0.multipliedReportingOverflow(by: $1).overflow ? .max : $0 * $1 }
        guard count <= maximumChunksPerShard else {
            throw chunksField.error(
                "shards of \(shardShape) hold \(count == .max ? "too many" : String(count)) inner chunks, more than \(maximumChunksPerShard)",
                kind: .tooLarge)
        }
        let encoding = try ZarrArrayMetadata.parseCodecs(configuration.member("codecs"), chunkShape: inner, dtype: dtype, nested: true)
        let (bigEndian, checksum) = try parseIndexCodecs(configuration.member("index_codecs"))
        let locationField = configuration.member("index_location")
        let locationName = locationField.isMissing ? "end" : try locationField.string()
        guard let location = IndexLocation(rawValue: locationName) else {
            throw locationField.error("index_location must be \"start\" or \"end\"")
        }
        let sharding = ZarrSharding(
            chunkShape: inner, chunksPerShard: perShard, indexLocation: location, indexChecksum: checksum, indexBigEndian: bigEndian)
        return (sharding, encoding)
    }

    /// `index_codecs`: `bytes` (any endian), then an optional `crc32c` — an index of fixed size.
    private static func parseIndexCodecs(_ field: ZarrJSONField) throws(ZarrError) -> (bigEndian: Bool, checksum: Bool) {
        let codecs = try field.array()
        guard let first = codecs.first else { throw field.error("no bytes codec") }
        let firstName = try first.member("name").string()
        guard firstName == "bytes" else {
            throw first.member("name").error("index codec \"\(firstName)\" is not supported (bytes, then crc32c)", kind: .unsupported)
        }
        let bigEndian = try ZarrArrayMetadata.parseEndian(first.member("configuration").member("endian"), dtype: .uint64)
        guard codecs.count > 1 else { return (bigEndian, false) }
        let secondName = try codecs[1].member("name").string()
        guard secondName == "crc32c", codecs.count == 2 else {
            let extra = secondName == "crc32c" ? codecs[2] : codecs[1]
            throw extra.member("name").error(
                "index codec \"\(try extra.member("name").string())\" is not supported (bytes, then crc32c)", kind: .unsupported)
        }
        return (bigEndian, true)
    }
}

/// One shard's decoded index: where each inner chunk is in the shard object.
struct ZarrShardIndex: Sendable {
    /// `offset, nbytes` per inner chunk, C order.
    let entries: [UInt64]
    /// The shard object's size, when the store told it.
    let objectSize: Int?
    /// The whole shard object, when the store cannot read ranges (its inner chunks are sliced from it).
    let wholeShard: [UInt8]?

    /// Decodes the index `bytes` of a shard (`key`, for errors) of `objectSize` bytes: checks its
    /// size and CRC32C. The entries themselves are checked when an inner chunk is read (``range(of:)``).
    init(
        _ bytes: ArraySlice<UInt8>, sharding: ZarrSharding, objectSize: Int?, wholeShard: [UInt8]? = nil, store: String, key: String
    ) throws(ZarrError) {
        guard bytes.count == sharding.indexByteCount else {
            let size = objectSize.map { "a shard object of \($0) bytes" } ?? "\(bytes.count) bytes"
            throw ZarrError(
                .corruptChunk, store: store, location: key,
                reason: "\(size) is too short for its index of \(sharding.indexByteCount) bytes (truncated shard?)")
        }
        let reason: String? = bytes.withUnsafeBytes { raw in sharding.indexChecksum ? CRC32C.verifyTrailer(raw) : nil }
        if let reason { throw ZarrError(.corruptChunk, store: store, location: key, reason: "shard index: \(reason)") }
        let count = 2 * sharding.chunksPerShardCount
        entries = bytes.withUnsafeBytes { raw in
            (0..<count).map { index in
                let value = raw.loadUnaligned(fromByteOffset: index * 8, as: UInt64.self)
                return sharding.indexBigEndian ? UInt64(bigEndian: value) : UInt64(littleEndian: value)
            }
        }
        self.objectSize = objectSize
        self.wholeShard = wholeShard
    }

    /// Where inner chunk `local` (C-order number within the shard) is stored — `nil` when it is
    /// not (the fill value) — checked to lie in the shard's data (outside the index, within the
    /// object) and within `limit` bytes.
    func range(of local: Int, sharding: ZarrSharding, limit: Int, store: String, key: String, position: [Int]) throws(ZarrError)
        -> Range<Int>?
    {
        let offset = entries[2 * local]
        let length = entries[2 * local + 1]
        if offset == .max && length == .max { return nil }
        func corrupt(_ reason: String) -> ZarrError {
            ZarrError(.corruptChunk, store: store, location: key, reason: "shard index, inner chunk \(position): \(reason)")
        }
        guard offset != .max, length != .max else { throw corrupt("offset \(offset) with length \(length)") }
        let indexBytes = UInt64(sharding.indexByteCount)
        let (end, overflow) = offset.addingReportingOverflow(length)
        var low: UInt64 = sharding.indexLocation == .start ? indexBytes : 0
        var high: UInt64 = .max
        if let objectSize {
            high = UInt64(objectSize)
            if sharding.indexLocation == .end { high = high >= indexBytes ? high - indexBytes : 0 }
        }
        if high < low { (low, high) = (low, low) }
        guard !overflow, offset >= low, end <= high else {
            let area = high == .max ? "from byte \(low) on" : "bytes \(low)..<\(high)"
            throw corrupt("bytes \(offset)..<\(overflow ? "overflow" : String(end)) lie outside the shard's data (\(area))")
        }
        guard length <= UInt64(limit) else {
            throw ZarrError(
                .tooLarge, store: store, location: key,
                reason: "inner chunk \(position) of \(length) bytes exceeds the limit of \(limit) bytes")
        }
        return Int(offset)..<Int(end)
    }
}
