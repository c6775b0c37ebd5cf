import Foundation
import ImJoySchema
import TestSupport
import Testing

@testable import ImageIO

/// Arrays written by zarr-python 3 (Tests/Fixtures/python/zarr_codecs.py) in the encodings
/// ImageIO reads but does not write — sharding (index at the start and end, with and without its
/// CRC32C), gzip, zlib, crc32c — read bit-exact, whole and by region; a sharded OME-Zarr 0.5
/// image written by ome-zarr-py read through `OMEZarr.read`.
@Suite(
    "Zarr sharding, gzip, zlib and crc32c against zarr-python",
    .enabled(if: ZarrTestSupport.hasZarrPython, "python3 with zarr>=3, numcodecs and ome_zarr is not installed (scripts/setup)"))
struct ZarrShardingCrossCheckTests {
    static let kinds = [
        "shard-end-crc-blosc-u16", "shard-start-zstd-u8", "shard-end-gzip-crc-f32", "shard-start-crc-blosc-u16be", "v3-gzip-u16",
        "v3-zstd-crc-f32", "v3-numcodecs-zlib-u8", "v2-gzip-u16", "v2-zlib-f32",
    ]

    /// Writes `kind` with zarr_codecs.py as `folder/name`: the store, the array's raw
    /// little-endian bytes, and the script's facts (missing shards, empty index entries).
    static func pythonStore(_ kind: String, in folder: TemporaryDirectory, name: String = "theirs.zarr") throws -> (URL, Data, JSONValue) {
        let store = folder.appending(name)
        let raw = folder.appending(name + ".raw")
        let result = try CommandRunner.run(
            URL(fileURLWithPath: "/usr/bin/env"), ["python3", Fixtures.url("python/zarr_codecs.py").path, kind, store.path, raw.path],
            in: folder.url)
        guard result.status == 0 else { throw ZarrTestFailure("zarr_codecs.py \(kind) failed: \(result.standardError)") }
        return (store, try Data(contentsOf: raw), try JSONValue(jsonText: result.standardOutput))
    }

    /// Boxes that start and end inside inner chunks, cross shard borders, cover the missing
    /// shard (0, 1, 0), the empty inner chunk (0, 0, 1) and the partial edge shards.
    static let regions: [([Int], [Int])] = [
        ([0, 0, 0], [1, 1, 1]), ([1, 20, 20], [2, 30, 20]), ([2, 64, 32], [1, 6, 13]), ([0, 32, 0], [2, 32, 32]),
        ([0, 0, 16], [1, 16, 16]), ([0, 10, 40], [3, 60, 5]), ([0, 0, 0], [3, 70, 45]),
    ]

    @Test("arrays written by zarr-python read bit-exact, whole and by region", arguments: kinds)
    func readsBitExact(kind: String) throws {
        let folder = try TemporaryDirectory("zarr-codecs")
        let (store, expected, facts) = try Self.pythonStore(kind, in: folder)
        let array = try ZarrArray(store: store)
        let whole = try array.read()
        #expect(whole.shape == [3, 70, 45])
        #expect(whole.dtype.rawValue == facts["dtype"]?.stringValue)
        #expect(whole.withUnsafeBytes { Data($0) } == expected)
        for (origin, shape) in Self.regions {
            #expect(try array.read(origin: origin, shape: shape) == (try whole.read(origin: origin, shape: shape)), "\(origin) \(shape)")
        }
        let metadata = array.metadata
        if kind.hasPrefix("shard-") {
            let sharding = try #require(metadata.sharding)
            #expect(metadata.chunkShape == [2, 32, 32] && metadata.innerChunkShape == [1, 16, 16])
            #expect(sharding.indexLocation == (kind.hasPrefix("shard-start") ? .start : .end))
            #expect(sharding.indexChecksum == (kind.contains("-crc-") && !kind.contains("gzip-crc")))
            #expect(facts["missing_shards"] == ["c/0/1/0"], "one shard object never written")
            #expect((facts["empty_inner"]?.intValue ?? 0) > 0, "some inner chunks never written")
            #expect(ZarrArraySource(array: array).chunkShape == [1, 16, 16])
        } else {
            #expect(metadata.sharding == nil)
        }
        #expect(metadata.bigEndian == kind.hasSuffix("u16be"))
        #expect(metadata.checksum == (kind == "v3-zstd-crc-f32" || kind == "shard-end-gzip-crc-f32"))
        let compressors: [String: ZarrCompressor] = [
            "v3-gzip-u16": .gzip(level: 6), "v2-gzip-u16": .gzip(level: 6), "v2-zlib-f32": .zlib(level: 3),
            "v3-numcodecs-zlib-u8": .zlib(level: 4), "shard-end-gzip-crc-f32": .gzip(level: 5),
        ]
        if let compressor = compressors[kind] { #expect(metadata.compressor == compressor) }
        #expect(metadata.writeRefusal != nil, "every one of these encodings is read only")
    }

    /// A store that records what is read (and, optionally, cannot read ranges).
    final class RecordingStore: ZarrStore, @unchecked Sendable {
        let base: LocalZarrStore
        let ranged: Bool
        private let lock = NSLock()
        private var log: [String] = []

        init(_ root: URL, ranged: Bool) {
            base = LocalZarrStore(root: root.path)
            self.ranged = ranged
        }

        var url: URL { base.url }
        var location: String { base.location }
        var parallelism: Int { 2 }
        var supportsRangedReads: Bool { ranged }
        var reads: [String] { lock.withLock { log } }

        func read(_ key: String, limit: Int) throws(ZarrError) -> [UInt8]? {
            lock.withLock { log.append(key) }
            return try base.read(key, limit: limit)
        }

        func read(_ key: String, range: ZarrByteRange, limit: Int) throws(ZarrError) -> ZarrPartialRead? {
            precondition(ranged, "a store without ranged reads is never asked for a range")
            lock.withLock { log.append("\(key) \(range)") }
            return try base.read(key, range: range, limit: limit)
        }

        func checkExists() throws(ZarrError) {}
        func child(_ path: String) -> any ZarrStore { self }
    }

    @Test("a region read fetches the touched shards' indices and inner chunks only; a store without ranges reads each touched shard once")
    func readsOnlyWhatIsNeeded() throws {
        let folder = try TemporaryDirectory("zarr-codecs")
        let (store, _, _) = try Self.pythonStore("shard-end-crc-blosc-u16", in: folder)
        let expected = try ZarrArray(store: store).read()

        let ranged = RecordingStore(store, ranged: true)
        let array = try ZarrArray(storage: ranged)
        // Inside inner chunk (1, 1, 1) of shard (0, 0, 0): the index, then that one chunk.
        let before = ranged.reads.count
        #expect(try array.read(origin: [1, 18, 20], shape: [1, 10, 10]) == (try expected.read(origin: [1, 18, 20], shape: [1, 10, 10])))
        let reads = Array(ranged.reads.dropFirst(before))
        #expect(reads.count == 2, "\(reads)")
        #expect(reads.first == "c/0/0/0 the last \(16 * 8 + 4) bytes", "\(reads)")
        #expect(reads.last?.hasPrefix("c/0/0/0 bytes ") == true, "\(reads)")
        // Across four shards, one of them missing: four index reads, then only the stored inner chunks.
        let start = ranged.reads.count
        #expect(try array.read(origin: [0, 24, 24], shape: [1, 16, 16]) == (try expected.read(origin: [0, 24, 24], shape: [1, 16, 16])))
        let crossing = Array(ranged.reads.dropFirst(start))
        #expect(crossing.filter { $0.contains("the last") }.count == 4, "\(crossing)")
        #expect(
            crossing.filter { !$0.contains("the last") }.count == 3, "one inner chunk in each of the three stored shards: \(crossing)")

        let whole = RecordingStore(store, ranged: false)
        let fallback = try ZarrArray(storage: whole)
        #expect(try fallback.read() == expected)
        let shardReads = whole.reads.filter { $0.hasPrefix("c/") }
        #expect(shardReads.count == 12 && Set(shardReads).count == 12, "each of the 2 × 3 × 2 shards read once: \(shardReads)")
        #expect(
            try fallback.read(origin: [1, 20, 20], shape: [2, 30, 20]) == (try expected.read(origin: [1, 20, 20], shape: [2, 30, 20])))
    }

    @Test("a sharded array streams into a new store through ZarrArraySource, inner chunk by inner chunk")
    func streams() throws {
        let folder = try TemporaryDirectory("zarr-codecs")
        let (store, _, _) = try Self.pythonStore("shard-start-crc-blosc-u16be", in: folder)
        let recording = RecordingStore(store, ranged: true)
        let source = ZarrArraySource(array: try ZarrArray(storage: recording))
        let copy = folder.appending("copy.zarr")
        try OMEZarr.write(source: source, to: copy, options: OMEZarrWriteOptions(format: .v3, chunkShape: [1, 16, 16]), blockBytes: 4096)
        #expect(try OMEZarr.read(copy).array == (try ZarrArray(store: store).read()))
        // Blocks of whole inner chunks: each stored inner chunk is read (and decoded) once.
        let innerReads = recording.reads.filter { $0.hasPrefix("c/") && !$0.contains("bytes 0..<132") }
        #expect(!innerReads.isEmpty && Set(innerReads).count == innerReads.count, "\(innerReads)")
        #expect(try ZarrArray(store: copy, path: "0").metadata.compressor == .bloscDefault, "the writer's own default, not the source's")
    }

    static let omeScript = """
        import sys, warnings, numpy as np, zarr
        warnings.simplefilter("ignore")
        from ome_zarr.writer import write_image
        from ome_zarr.format import FormatV05
        store, raw = sys.argv[1], sys.argv[2]
        a = (np.arange(2 * 70 * 90, dtype=np.int64) * 7 % 65521).astype(np.uint16).reshape(2, 70, 90)
        group = zarr.open_group(store, mode="w", zarr_format=3)
        write_image(a, group, axes="zyx", fmt=FormatV05(), storage_options={"chunks": (1, 16, 16), "shards": (1, 32, 32)})
        levels = [zarr.open_array(store + "/" + d["path"], mode="r") for d in group.attrs["ome"]["multiscales"][0]["datasets"]]
        assert all(any(c.to_dict()["name"] == "sharding_indexed" for c in l.metadata.codecs) for l in levels)
        for i, level in enumerate(levels):
            level[...].astype("<u2").tofile(raw + str(i))
        print(len(levels))
        """

    @Test("an OME-Zarr 0.5 image with sharded levels written by ome-zarr-py reads through OMEZarr.read")
    func omeZarrSharded() throws {
        let folder = try TemporaryDirectory("zarr-codecs")
        let store = folder.appending("img.ome.zarr")
        let raw = folder.appending("level")
        let output = try ZarrTestSupport.python(Self.omeScript, [store.path, raw.path])
        try #require(output.status == 0, "\(output.stderr)")
        let levels = try #require(Int(output.stdout.trimmingCharacters(in: .whitespacesAndNewlines)))
        let (array, metadata) = try OMEZarr.read(store)
        #expect(metadata.version == "0.5")
        #expect(metadata.axes.map(\.name) == ["z", "y", "x"])
        #expect(array.shape == [2, 70, 90])
        #expect(array.withUnsafeBytes { Data($0) } == (try Data(contentsOf: URL(fileURLWithPath: raw.path + "0"))))
        let image = try OMEZarrImage(store: store)
        #expect(image.levels.count == levels && levels > 1)
        #expect(image.levels.allSatisfy { $0.metadata.sharding != nil })
        for level in 1..<levels {
            let expected = try Data(contentsOf: URL(fileURLWithPath: raw.path + "\(level)"))
            #expect(try image.read(level: level).withUnsafeBytes { Data($0) } == expected, "level \(level)")
        }
        #expect(try image.read(origin: [1, 30, 30], shape: [1, 20, 40]) == (try array.read(origin: [1, 30, 30], shape: [1, 20, 40])))
    }
}
