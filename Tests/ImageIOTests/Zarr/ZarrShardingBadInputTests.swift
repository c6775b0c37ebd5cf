import Foundation
import ImJoySchema
import TestSupport
import Testing

@testable import ImageIO

/// Sharded arrays built by hand (``ShardedStoreBuilder``): read in every index layout, and
/// corrupt shards, indices and sharding metadata refused with a typed error naming the shard.
@Suite("Zarr sharding: hand-built shards and bad input")
struct ZarrShardingBadInputTests {
    /// Writes `builder`'s array into a new folder; the store, the values and the shard keys.
    static func store(_ builder: ShardedStoreBuilder, in folder: TemporaryDirectory) throws -> (URL, NDArray, [String]) {
        let store = folder.appending("s.zarr")
        let values = builder.values()
        let keys = try builder.write(values, to: store)
        return (store, try NDArray(shape: builder.shape, elements: values), keys)
    }

    /// The error reading the whole array at `store`, or `nil` when it reads.
    static func readError(_ store: URL) -> ZarrError? {
        do {
            _ = try ZarrArray(store: store).read()
            return nil
        } catch {
            #expect(error.store == store.path)
            #expect(!error.description.contains("\n"))
            return error
        }
    }

    @Test(
        "hand-built shards read back in every index layout, with and without checksums",
        arguments: [(false, true, false), (true, true, false), (false, false, true), (true, false, true), (false, true, true)])
    func layouts(indexAtStart: Bool, indexChecksum: Bool, innerChecksum: Bool) throws {
        let folder = try TemporaryDirectory("zarr-shards")
        var builder = ShardedStoreBuilder()
        builder.indexAtStart = indexAtStart
        builder.indexChecksum = indexChecksum
        builder.innerChecksum = innerChecksum
        builder.fill = indexAtStart ? 0 : 513
        let (store, expected, keys) = try Self.store(builder, in: folder)
        #expect(keys == ["c/0/0", "c/0/1", "c/0/2", "c/1/0", "c/1/2"], "shard (1, 1) holds only the fill value")
        let array = try ZarrArray(store: store)
        let sharding = try #require(array.metadata.sharding)
        #expect(sharding.chunksPerShard == [2, 2])
        #expect(sharding.indexLocation == (indexAtStart ? .start : .end))
        #expect(sharding.indexByteCount == builder.indexByteCount)
        #expect(array.metadata.checksum == innerChecksum)
        #expect(array.metadata.chunkShape == [4, 16])
        #expect(array.metadata.innerChunkShape == [2, 8])
        #expect(ZarrArraySource(array: array).chunkShape == [2, 8])
        #expect(try array.read() == expected)
        for (origin, shape) in [([0, 0], [1, 1]), ([0, 8], [2, 8]), ([4, 16], [1, 16]), ([1, 5], [4, 30]), ([3, 30], [2, 7])] {
            #expect(try array.read(origin: origin, shape: shape) == (try expected.read(origin: origin, shape: shape)), "\(origin) \(shape)")
        }
    }

    @Test("a truncated shard names its key")
    func truncated() throws {
        let folder = try TemporaryDirectory("zarr-shards")
        var builder = ShardedStoreBuilder()
        let (store, _, _) = try Self.store(builder, in: folder)
        let shard = store.appendingPathComponent("c/0/1")
        let bytes = try Data(contentsOf: shard)
        // Shorter than the index.
        try bytes.prefix(10).write(to: shard)
        var error = try #require(Self.readError(store))
        #expect(error.kind == .corruptChunk && error.location == "c/0/1", "\(error)")
        #expect(error.reason.contains("too short for its index"), "\(error)")
        // Index at the end, the last bytes cut off: what is read as the index fails its CRC32C.
        try bytes.dropLast(5).write(to: shard)
        error = try #require(Self.readError(store))
        #expect(error.kind == .corruptChunk && error.location == "c/0/1" && error.reason.contains("CRC32C"), "\(error)")
        // Data cut from the front: the index is intact, but its last entry now lies past the data.
        try bytes.dropFirst(32).write(to: shard)
        error = try #require(Self.readError(store))
        #expect(error.kind == .corruptChunk && error.location == "c/0/1" && error.reason.contains("outside the shard"), "\(error)")

        // Index at the start, the last inner chunk cut off: its range lies past the end.
        builder.indexAtStart = true
        let startFolder = try TemporaryDirectory("zarr-shards")
        let (startStore, _, _) = try Self.store(builder, in: startFolder)
        let startShard = startStore.appendingPathComponent("c/0/0")
        let startBytes = try Data(contentsOf: startShard)
        try startBytes.dropLast(5).write(to: startShard)
        error = try #require(Self.readError(startStore))
        #expect(error.kind == .corruptChunk && error.location == "c/0/0" && error.reason.contains("outside the shard"), "\(error)")
        // A region that avoids the damaged inner chunk still reads.
        #expect(try ZarrArray(store: startStore).read(origin: [0, 0], shape: [2, 8]).shape == [2, 8])
    }

    /// Rewrites entry `entry` of shard `c/0/0`'s index (its CRC32C recomputed).
    static func rewriteIndex(_ store: URL, builder: ShardedStoreBuilder, entry: Int, offset: UInt64, length: UInt64) throws {
        let shard = store.appendingPathComponent("c/0/0")
        var bytes = [UInt8](try Data(contentsOf: shard))
        let indexStart = builder.indexAtStart ? 0 : bytes.count - builder.indexByteCount
        var entries = (0..<(2 * builder.perShard.reduce(1, *))).map { number in
            (0..<8).reduce(UInt64(0)) { $0 | UInt64(bytes[indexStart + 8 * number + $1]) << (8 * UInt64($1)) }
        }
        entries[2 * entry] = offset
        entries[2 * entry + 1] = length
        bytes.replaceSubrange(
            indexStart..<(indexStart + builder.indexByteCount), with: ShardedStoreBuilder.index(entries, checksum: builder.indexChecksum))
        try Data(bytes).write(to: shard)
    }

    @Test(
        "index entries pointing outside the shard, overflowing or half empty are refused",
        arguments: [
            (UInt64(1) << 40, UInt64(32), "outside the shard"), (UInt64.max - 1, UInt64(32), "outside the shard"),
            (UInt64.max, UInt64(32), "offset"), (UInt64(0), UInt64.max, "offset"),
            // Overlapping the index (which sits at the end, after 3 × 32 bytes of data).
            (UInt64(90), UInt64(32), "outside the shard"),
        ])
    func badOffsets(offset: UInt64, length: UInt64, reason: String) throws {
        let folder = try TemporaryDirectory("zarr-shards")
        let builder = ShardedStoreBuilder()
        let (store, expected, _) = try Self.store(builder, in: folder)
        try Self.rewriteIndex(store, builder: builder, entry: 2, offset: offset, length: length)
        let error = try #require(Self.readError(store))
        #expect(error.kind == .corruptChunk && error.location == "c/0/0", "\(error)")
        #expect(error.reason.contains("inner chunk [1, 0]") && error.reason.contains(reason), "\(error)")
        // The other inner chunks of that shard still read.
        #expect(try ZarrArray(store: store).read(origin: [0, 0], shape: [2, 16]) == (try expected.read(origin: [0, 0], shape: [2, 16])))
    }

    @Test("an entry larger than an inner chunk can be is refused before it is read")
    func hugeEntry() throws {
        var builder = ShardedStoreBuilder()
        builder.indexAtStart = true
        let folder = try TemporaryDirectory("zarr-shards")
        let (store, _, _) = try Self.store(builder, in: folder)
        // 2 MiB of padding after the data, and an entry claiming 1 MiB of it: inside the shard,
        // but far more than a 2 × 8 uint16 chunk can take.
        let handle = try FileHandle(forWritingTo: store.appendingPathComponent("c/0/0"))
        try handle.seekToEnd()
        try handle.write(contentsOf: Data(count: 2 << 20))
        try handle.close()
        try Self.rewriteIndex(store, builder: builder, entry: 0, offset: UInt64(builder.indexByteCount), length: 1 << 20)
        let error = try #require(Self.readError(store))
        #expect(error.kind == .tooLarge && error.location == "c/0/0" && error.reason.contains("inner chunk [0, 0]"), "\(error)")
    }

    @Test("checksum mismatches in the index and in an inner chunk name the shard")
    func checksums() throws {
        var builder = ShardedStoreBuilder()
        builder.innerChecksum = true
        let folder = try TemporaryDirectory("zarr-shards")
        let (store, _, _) = try Self.store(builder, in: folder)
        let shard = store.appendingPathComponent("c/0/2")
        let pristine = [UInt8](try Data(contentsOf: shard))
        var bytes = pristine
        bytes[bytes.count - 10] ^= 0x40  // inside the index
        try Data(bytes).write(to: shard)
        var error = try #require(Self.readError(store))
        #expect(error.kind == .corruptChunk && error.location == "c/0/2", "\(error)")
        #expect(error.reason.hasPrefix("shard index: CRC32C mismatch"), "\(error)")
        bytes = pristine
        bytes[3] ^= 0x01  // inside the first inner chunk
        try Data(bytes).write(to: shard)
        error = try #require(Self.readError(store))
        #expect(error.kind == .corruptChunk && error.location == "c/0/2", "\(error)")
        #expect(error.reason.hasPrefix("inner chunk [0, 0]: CRC32C mismatch"), "\(error)")
    }

    /// Random damage to every shard (seeded): with checksums on the index and the inner chunks
    /// every damaged shard is refused; without them the reader never crashes and fails, if at
    /// all, with a typed error naming a shard.
    @Test("fuzz: random byte flips, truncations and index entries", arguments: [true, false])
    func fuzz(checksums: Bool) throws {
        var builder = ShardedStoreBuilder()
        builder.indexChecksum = checksums
        builder.innerChecksum = checksums
        builder.indexAtStart = !checksums
        let folder = try TemporaryDirectory("zarr-shards")
        let (store, _, keys) = try Self.store(builder, in: folder)
        let pristine = try keys.map { [UInt8](try Data(contentsOf: store.appendingPathComponent($0))) }
        var random = SeededGenerator(seed: checksums ? 7 : 8)
        var refused = 0
        for round in 0..<150 {
            let which = Int.random(in: 0..<keys.count, using: &random)
            var bytes = pristine[which]
            switch round % 3 {
            case 0:
                for _ in 0..<Int.random(in: 1...3, using: &random) {
                    bytes[Int.random(in: 0..<bytes.count, using: &random)] ^= UInt8.random(in: 1...255, using: &random)
                }
            case 1:
                bytes = Array(bytes.prefix(Int.random(in: 0..<bytes.count, using: &random)))
            default:
                let entry = Int.random(in: 0..<(2 * builder.perShard.reduce(1, *)), using: &random)
                let start = (builder.indexAtStart ? 0 : bytes.count - builder.indexByteCount) + 8 * entry
                let value = UInt64.random(in: 0...UInt64.max, using: &random) >> UInt64.random(in: 0...63, using: &random)
                for byte in 0..<8 { bytes[start + byte] = UInt8(truncatingIfNeeded: value >> (8 * UInt64(byte))) }
            }
            let file = store.appendingPathComponent(keys[which])
            try Data(bytes).write(to: file)
            if let error = Self.readError(store) {
                refused += 1
                #expect([.corruptChunk, .tooLarge].contains(error.kind), "\(error)")
                #expect(error.location == keys[which], "\(error)")
            } else if checksums && bytes != pristine[which] {
                Issue.record("round \(round): damage to \(keys[which]) went unnoticed")
            }
            try Data(pristine[which]).write(to: file)
        }
        #expect(refused > 50)
    }

    @Test(
        "sharding metadata errors name the JSON path",
        arguments: [
            (
                #""codecs":[{"name":"bytes","configuration":{"endian":"little"}}]"#,
                #""codecs":[{"name":"sharding_indexed","configuration":{"chunk_shape":[1,8],"codecs":[{"name":"bytes","configuration":{"endian":"little"}}],"index_codecs":[{"name":"bytes","configuration":{"endian":"little"}}]}}]"#,
                "zarr.json $.codecs[0].configuration.codecs[0].name", ZarrError.Kind.unsupported
            ),
            (#""chunk_shape":[2,8]"#, #""chunk_shape":[3,8]"#, "zarr.json $.codecs[0].configuration.chunk_shape", .invalidMetadata),
            (#""chunk_shape":[2,8]"#, #""chunk_shape":[2]"#, "zarr.json $.codecs[0].configuration.chunk_shape", .invalidMetadata),
            (
                #""index_location":"end""#, #""index_location":"middle""#, "zarr.json $.codecs[0].configuration.index_location",
                .invalidMetadata
            ),
            (
                #"{"name":"crc32c"}],"index_location""#, #"{"name":"gzip"}],"index_location""#,
                "zarr.json $.codecs[0].configuration.index_codecs[1].name", .unsupported
            ),
            (
                #""index_location":"end"}}]"#, #""index_location":"end"}},{"name":"gzip","configuration":{"level":1}}]"#,
                "zarr.json $.codecs[1].name", .unsupported
            ),
            (
                #""codecs":[{"name":"bytes","configuration":{"endian":"little"}}],"index"#,
                #""codecs":[{"name":"bytes","configuration":{"endian":"little"}},{"name":"lz77"}],"index"#,
                "zarr.json $.codecs[0].configuration.codecs[1].name", .unsupported
            ),
        ])
    func badMetadata(old: String, new: String, location: String, kind: ZarrError.Kind) throws {
        let folder = try TemporaryDirectory("zarr-shards")
        let (store, _, _) = try Self.store(ShardedStoreBuilder(), in: folder)
        let file = store.appendingPathComponent("zarr.json")
        let compact = try String(contentsOf: file, encoding: .utf8).replacingOccurrences(of: " ", with: "")
            .replacingOccurrences(of: "\n", with: "")
        let edited = compact.replacingOccurrences(of: old, with: new)
        #expect(edited != compact, "the edit applies")
        try edited.write(to: file, atomically: false, encoding: .utf8)
        let error = try #require(throws: ZarrError.self) { try ZarrArray(store: store) }
        #expect(error.kind == kind, "\(error)")
        #expect(error.location == location, "\(error)")
    }

    @Test("gzip, zlib and sharding are read, not written: the writers refuse them and leave nothing")
    func writersRefuse() throws {
        let folder = try TemporaryDirectory("zarr-shards")
        #expect(ZarrCompressor(name: "gzip") == nil && ZarrCompressor(name: "zlib") == nil)
        for compressor in [ZarrCompressor.gzip(level: 6), .zlib(level: 1)] {
            for format in ZarrArrayMetadata.Format.allCases {
                let store = folder.appending("out.zarr")
                let error = try #require(throws: ZarrError.self) {
                    try OMEZarr.write(
                        try ZarrTestSupport.ramp([4, 6]), to: store, options: OMEZarrWriteOptions(format: format, compressor: compressor))
                }
                #expect(error.kind == .unsupported && error.reason.contains("read, not written"), "\(error)")
                #expect(try FileManager.default.contentsOfDirectory(atPath: folder.path).isEmpty)
            }
        }
        var sharded = ZarrArrayMetadata(format: .v3, shape: [4], chunkShape: [4], dtype: .uint8, compressor: .none)
        sharded.sharding = ZarrSharding(
            chunkShape: [2], chunksPerShard: [2], indexLocation: .end, indexChecksum: true, indexBigEndian: false)
        #expect(sharded.writeRefusal != nil)
    }

    @Test("a v3 gzip chunk that is not gzip names the chunk")
    func corruptGzip() throws {
        let folder = try TemporaryDirectory("zarr-gzip")
        let store = folder.appending("g.zarr")
        try OMEZarr.write(
            try ZarrTestSupport.ramp([8, 8]), to: store,
            options: OMEZarrWriteOptions(format: .v3, chunkShape: [4, 8], compressor: .zstd(level: 1)))
        let file = store.appendingPathComponent("0/zarr.json")
        let text = try String(contentsOf: file, encoding: .utf8)
        try text.replacingOccurrences(of: "\"zstd\"", with: "\"gzip\"").write(to: file, atomically: false, encoding: .utf8)
        let image = try OMEZarrImage(store: store)
        #expect(image.levels[0].metadata.compressor == .gzip(level: 1))
        let error = try #require(throws: ZarrError.self) { try image.read() }
        #expect(error.kind == .corruptChunk && error.location == "0/c/0/0" && error.reason.contains("gzip"), "\(error)")
    }
}

/// A small deterministic generator (SplitMix64) for the fuzz rounds.
struct SeededGenerator: RandomNumberGenerator {
    var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}
