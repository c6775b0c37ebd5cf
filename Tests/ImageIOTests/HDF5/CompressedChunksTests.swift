import Foundation
import ImJoySchema
import TestSupport
import Testing

@testable import ImageIO

@Suite("HDF5 compressed chunks: kept, written again byte-identical, blobs checked")
struct CompressedChunksTests {
    static let layout = HDF5Layout.chunked(chunkShape: [2, 16, 16], compression: .deflate(level: 4), shuffle: true)

    /// Writes `array` at `/a/mask` into a new file `name` in `directory`; returns the file's bytes and what the write returned.
    static func write(_ array: NDArray, layout: HDF5Layout = layout, chunks: ChunkReuse, to name: String, in directory: URL) throws -> (
        [UInt8], CompressedChunks?
    ) {
        let url = directory.appendingPathComponent(name)
        let writer = try HDF5Writer(url: url)
        let kept = try writer.writeDataset("/a/mask", array, layout: layout, chunks: chunks)
        try writer.commit()
        return (Array(try Data(contentsOf: url)), kept)
    }

    @Test func storedChunksGiveTheSameFileBytes() throws {
        let directory = try Fixtures.temporaryDirectory("h5-chunks")
        defer { try? FileManager.default.removeItem(at: directory) }
        let array = try makeTestArray(shape: [3, 37, 29], dtype: .uint16, seed: 5)
        let (plain, none) = try Self.write(array, chunks: .none, to: "plain.h5", in: directory)
        #expect(none == nil)
        let (cold, kept) = try Self.write(array, chunks: .keep, to: "cold.h5", in: directory)
        let chunks = try #require(kept)
        #expect(chunks.chunks.count == 2 * 3 * 2)  // ceil(3/2) × ceil(37/16) × ceil(29/16)
        #expect(
            chunks.format
                == CompressedChunks.Format(
                    shape: [3, 37, 29], dtype: .uint16, chunkShape: [2, 16, 16], shuffle: true, compression: .deflate(level: 4)))
        #expect(cold == plain)
        // Through the blob, as the cache stores them.
        let restored = try #require(CompressedChunks(serialized: chunks.serialized()))
        #expect(restored == chunks)
        let (warm, fresh) = try Self.write(array, chunks: .reuse(restored), to: "warm.h5", in: directory)
        #expect(fresh == nil, "the stored chunks were not used")
        #expect(warm == cold)
        #expect(try HDF5File(contentsOf: directory.appendingPathComponent("warm.h5")).readDataset("/a/mask") == array)
        if PythonCheck.isAvailable {
            let (_, bytes) = try PythonCheck.readHDF5(directory.appendingPathComponent("warm.h5"), dataset: "/a/mask")
            #expect(array.withUnsafeBytes { Array($0) } == bytes, "h5py read different values")
        }
    }

    @Test func chunksOfAnotherFormatAreNotWritten() throws {
        let directory = try Fixtures.temporaryDirectory("h5-chunks")
        defer { try? FileManager.default.removeItem(at: directory) }
        let array = try makeTestArray(shape: [3, 37, 29], dtype: .uint16, seed: 5)
        let other = HDF5Layout.chunked(chunkShape: [2, 16, 16], compression: .deflate(level: 6), shuffle: true)
        let (_, kept) = try Self.write(array, layout: other, chunks: .keep, to: "level6.h5", in: directory)
        let stale = try #require(kept)
        let (plain, _) = try Self.write(array, chunks: .none, to: "plain.h5", in: directory)
        let (written, fresh) = try Self.write(array, chunks: .reuse(stale), to: "reused.h5", in: directory)
        #expect(written == plain)
        #expect(fresh?.format.deflateLevel == 4, "the fresh chunks replace the stale ones")
        // Another shape with the same chunk grid is another format too.
        let reshaped = try makeTestArray(shape: [3, 37, 30], dtype: .uint16, seed: 5)
        let (_, refreshed) = try Self.write(reshaped, chunks: .reuse(try #require(fresh)), to: "reshaped.h5", in: directory)
        #expect(refreshed?.format.shape == [3, 37, 30])
    }

    @Test func damagedBlobsAreRejected() throws {
        let format = CompressedChunks.Format(
            shape: [4, 4], dtype: .uint8, chunkShape: [2, 4], shuffle: false, compression: .deflate(level: 4))
        let blob = CompressedChunks(format: format, chunks: [[1, 2, 3], [4, 5]]).serialized()
        #expect(CompressedChunks(serialized: blob)?.chunks == [[1, 2, 3], [4, 5]])
        #expect(CompressedChunks(serialized: Array(blob.dropLast())) == nil)
        #expect(CompressedChunks(serialized: Array(blob.prefix(blob.count / 2))) == nil)
        #expect(CompressedChunks(serialized: blob + [0]) == nil)
        #expect(CompressedChunks(serialized: []) == nil)
        for index in [0, 9, blob.count - 8, blob.count - 6, blob.count - 1] {
            var flipped = blob
            flipped[index] ^= 0x10
            #expect(CompressedChunks(serialized: flipped) == nil, "a flipped bit at \(index) went unnoticed")
        }
    }
}
