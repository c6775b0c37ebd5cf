import Foundation
import ImageIO
import TestSupport
import Testing

@testable import ImJoyEngine

/// write-hdf5's compressed chunks in the result cache, through ``SharedHDF5Files`` as a run uses it.
@Suite struct HDF5ChunkStoreTests {
    static let key = String(repeating: "ab", count: 32)
    static let layout = HDF5Layout.chunked(chunkShape: [16, 16], compression: .deflate(level: 4), shuffle: true)

    static func mask(seed: Int) throws -> NDArray {
        let values = (0..<(40 * 50)).map { UInt16(($0 * 7919 + seed * 104_729) % 3001 > 1500 ? 255 : $0 % 13) }
        return try NDArray(shape: [40, 50], elements: values)
    }

    /// One run's shared file: two items' masks, the first written with `key`; the file's bytes.
    static func run(_ store: HDF5ChunkStore?, to url: URL) throws -> [UInt8] {
        let files = SharedHDF5Files(chunkStore: store)
        try files.add([("img_0/mask", mask(seed: 0))], to: url, layout: layout, shared: true, provenance: "{}", chunkKey: key)
        try files.add([("img_1/mask", mask(seed: 1))], to: url, layout: layout, shared: true, provenance: "{}", chunkKey: nil)
        try files.finish()
        return Array(try Data(contentsOf: url))
    }

    @Test func aWarmRunWritesTheStoredChunksIntoAnIdenticalFile() throws {
        let directory = try Fixtures.temporaryDirectory("chunk-store")
        defer { try? FileManager.default.removeItem(at: directory) }
        let store = HDF5ChunkStore(directory: directory.appendingPathComponent("cache"))
        let plain = try Self.run(nil, to: directory.appendingPathComponent("plain.h5"))
        guard case .keep = store.reuse(for: Self.key) else {
            Issue.record("an empty store offered chunks")
            return
        }

        let cold = try Self.run(store, to: directory.appendingPathComponent("cold.h5"))
        #expect(cold == plain)
        guard case .reuse(let stored) = store.reuse(for: Self.key) else {
            Issue.record("the cold run stored no chunks")
            return
        }
        #expect(stored.format.shape == [40, 50] && stored.chunks.count == 3 * 4)
        let warm = try Self.run(store, to: directory.appendingPathComponent("warm.h5"))
        #expect(warm == plain)
        let read = try HDF5File(contentsOf: directory.appendingPathComponent("warm.h5"))
        #expect(try read.readDataset("/img_0/mask") == Self.mask(seed: 0))

        // The warm run writes what the blob holds without compressing: a valid blob of other
        // data under the key (which the key's content addressing rules out) shows in the file.
        let scratch = try HDF5Writer(url: directory.appendingPathComponent("scratch.h5"))
        store.save(
            try #require(try scratch.writeDataset("/x", Self.mask(seed: 2), layout: Self.layout, chunks: .keep)), metadata: nil,
            key: Self.key)
        _ = try Self.run(store, to: directory.appendingPathComponent("swapped.h5"))
        let swapped = try HDF5File(contentsOf: directory.appendingPathComponent("swapped.h5"))
        #expect(try swapped.readDataset("/img_0/mask") == Self.mask(seed: 2))
    }

    @Test func damagedBlobsFallBackToCompressingAndAreReplaced() throws {
        let directory = try Fixtures.temporaryDirectory("chunk-store")
        defer { try? FileManager.default.removeItem(at: directory) }
        let store = HDF5ChunkStore(directory: directory.appendingPathComponent("cache"))
        let plain = try Self.run(nil, to: directory.appendingPathComponent("plain.h5"))
        _ = try Self.run(store, to: directory.appendingPathComponent("cold.h5"))
        let blob = store.url(Self.key)
        let good = try Data(contentsOf: blob)
        var flipped = good
        flipped[flipped.count / 2] ^= 0x01
        for (name, damaged) in [("truncated", good.prefix(good.count - 3)), ("flipped", flipped), ("empty", Data())] {
            try damaged.write(to: blob)
            guard case .keep = store.reuse(for: Self.key) else {
                Issue.record("a \(name) blob was offered")
                continue
            }
            let rerun = try Self.run(store, to: directory.appendingPathComponent("\(name).h5"))
            #expect(rerun == plain, "a \(name) blob changed the file")
            #expect(try Data(contentsOf: blob) == good, "the \(name) blob was not replaced")
        }
    }

    @Test func storedChunksKeepTheArraysPixelSizes() throws {
        let directory = try Fixtures.temporaryDirectory("chunk-store")
        defer { try? FileManager.default.removeItem(at: directory) }
        let store = HDF5ChunkStore(directory: directory.appendingPathComponent("cache"))
        var array = try Self.mask(seed: 3)
        array.metadata = ArrayMetadata(axes: [
            .init(name: "y", scale: 0.5, unit: "micrometer"), .init(name: "x", scale: 0.25, unit: "micrometer"),
        ])
        // A cold write keeps the chunks and the metadata beside them.
        let cold = SharedHDF5Files(chunkStore: store)
        try cold.add(
            [("img/mask", array)], to: directory.appendingPathComponent("cold.h5"), layout: Self.layout, shared: false, chunkKey: Self.key)
        let stored = try #require(store.stored(for: Self.key))
        #expect(stored.metadata == array.metadata)
        // A warm write from the stored chunks alone (the array never loaded) writes the same attribute.
        let warm = SharedHDF5Files(chunkStore: store)
        try warm.add(
            contents: [("img/mask", .storedChunks(stored.chunks, metadata: stored.metadata))],
            to: directory.appendingPathComponent("warm.h5"),
            layout: Self.layout, shared: false)
        for name in ["cold.h5", "warm.h5"] {
            let file = try HDF5File(contentsOf: directory.appendingPathComponent(name))
            let sizes = try file.attributes(of: "/img/mask").first { $0.name == HDF5Format.elementSizeAttribute }?.value
            #expect(sizes == .numbers([0.5, 0.25]), "\(name)")
        }
        // Chunks without the metadata file beside them (an older cache) are not offered.
        try FileManager.default.removeItem(at: store.url(Self.key, file: HDF5ChunkStore.metadataFileName))
        #expect(store.stored(for: Self.key) == nil)
    }
}
