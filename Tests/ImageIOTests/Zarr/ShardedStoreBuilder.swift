import Foundation
import ImJoySchema

@testable import ImageIO

/// Writes a small sharded Zarr v3 uint16 array by hand (independent of zarr-python and of the
/// reader under test): raw inner chunks (`bytes` little-endian, optionally + `crc32c`), an index at
/// the start or end (optionally + `crc32c`), inner chunks holding only the fill value left out of
/// the index, and shards holding nothing but the fill value not written at all.
struct ShardedStoreBuilder {
    var shape = [5, 37]
    var shards = [4, 16]
    var inner = [2, 8]
    var indexAtStart = false
    var indexChecksum = true
    var innerChecksum = false
    var fill: UInt16 = 0

    /// Values that are never the fill value except in inner chunk (0, 1) of shard (0, 0) (rows
    /// 0–1, columns 8–15) and in all of shard (1, 1) (row 4, columns 16–31).
    func values() -> [UInt16] {
        (0..<shape.reduce(1, *)).map { index in
            let (row, column) = (index / shape[1], index % shape[1])
            if row < 2 && (8..<16).contains(column) { return fill }
            if row == 4 && (16..<32).contains(column) { return fill }
            let value = UInt16(truncatingIfNeeded: index &* 7 % 65521)
            return value == fill ? fill &+ 1 : value
        }
    }

    var perShard: [Int] { zip(shards, inner).map { $0 / $1 } }
    var indexByteCount: Int { 16 * perShard.reduce(1, *) + (indexChecksum ? 4 : 0) }

    /// The `zarr.json` document.
    func metadata() -> JSONValue {
        var innerCodecs: [JSONValue] = [["name": "bytes", "configuration": ["endian": "little"]]]
        if innerChecksum { innerCodecs.append(["name": "crc32c"]) }
        var indexCodecs: [JSONValue] = [["name": "bytes", "configuration": ["endian": "little"]]]
        if indexChecksum { indexCodecs.append(["name": "crc32c"]) }
        let ints: ([Int]) -> JSONValue = { .array($0.map { .integer(Int64($0)) }) }
        return [
            "zarr_format": 3, "node_type": "array", "shape": ints(shape), "data_type": "uint16",
            "chunk_grid": ["name": "regular", "configuration": ["chunk_shape": ints(shards)]],
            "chunk_key_encoding": ["name": "default", "configuration": ["separator": "/"]],
            "fill_value": .integer(Int64(fill)),
            "codecs": [
                [
                    "name": "sharding_indexed",
                    "configuration": [
                        "chunk_shape": ints(inner), "codecs": .array(innerCodecs), "index_codecs": .array(indexCodecs),
                        "index_location": .string(indexAtStart ? "start" : "end"),
                    ],
                ]
            ],
        ]
    }

    /// Writes the array at the root of `store`; returns the shard keys written (`c/0/1`, …).
    @discardableResult
    func write(_ values: [UInt16], to store: URL) throws -> [String] {
        try FileManager.default.createDirectory(at: store, withIntermediateDirectories: true)
        try Data(metadata().serialized(.prettyPrinted).utf8).write(to: store.appendingPathComponent("zarr.json"))
        let grid = zip(shape, shards).map { ($0 + $1 - 1) / $1 }
        var written: [String] = []
        for shardNumber in 0..<grid.reduce(1, *) {
            let shard = ZarrBoxCopy.gridIndex(shardNumber, counts: grid)
            var data: [UInt8] = []
            var entries: [UInt64] = []
            for local in 0..<perShard.reduce(1, *) {
                let position = ZarrBoxCopy.gridIndex(local, counts: perShard)
                let origin = (0..<shape.count).map { shard[$0] * shards[$0] + position[$0] * inner[$0] }
                var elements: [UInt16] = []
                for offset in 0..<inner.reduce(1, *) {
                    let within = ZarrBoxCopy.gridIndex(offset, counts: inner)
                    let at = zip(origin, within).map { $0 + $1 }
                    let inside = zip(at, shape).allSatisfy { $0 < $1 }
                    elements.append(inside ? values[at[0] * shape[1] + at[1]] : fill)
                }
                guard elements.contains(where: { $0 != fill }) else {
                    entries += [.max, .max]
                    continue
                }
                var bytes = elements.flatMap { [UInt8($0 & 0xFF), UInt8($0 >> 8)] }
                if innerChecksum { bytes += Self.littleEndian(CRC32C.checksum(bytes)) }
                entries += [UInt64(data.count + (indexAtStart ? indexByteCount : 0)), UInt64(bytes.count)]
                data += bytes
            }
            guard entries.contains(where: { $0 != .max }) else { continue }
            let key = "c/" + shard.map(String.init).joined(separator: "/")
            let file = store.appendingPathComponent(key)
            try FileManager.default.createDirectory(at: file.deletingLastPathComponent(), withIntermediateDirectories: true)
            let index = Self.index(entries, checksum: indexChecksum)
            try Data(indexAtStart ? index + data : data + index).write(to: file)
            written.append(key)
        }
        return written
    }

    /// Index bytes for `entries` (little-endian UInt64s, + their CRC32C).
    static func index(_ entries: [UInt64], checksum: Bool) -> [UInt8] {
        var bytes = entries.flatMap { entry in (0..<8).map { UInt8(truncatingIfNeeded: entry >> (8 * UInt64($0))) } }
        if checksum { bytes += littleEndian(CRC32C.checksum(bytes)) }
        return bytes
    }

    static func littleEndian(_ value: UInt32) -> [UInt8] { (0..<4).map { UInt8(truncatingIfNeeded: value >> (8 * UInt32($0))) } }
}
