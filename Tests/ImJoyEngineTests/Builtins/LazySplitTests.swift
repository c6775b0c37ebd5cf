import Foundation
import ImJoySchema
import ImageIO
import TestSupport
import Testing

@testable import ImJoyEngine

/// A lazy block too large for the budget is cut across its longest axis, at a boundary of the
/// file's chunks when it spans several there, and the parts still make the whole.
@Suite("lazy blocks split at chunk boundaries")
struct LazySplitTests {
    /// A [16, 32, 32] uint16 OME-Zarr store in chunks of [4, 16, 16], opened lazily.
    private func lazy(in folder: TemporaryDirectory) throws -> (LazyArray, NDArray) {
        let array = try NDArray(shape: [16, 32, 32], elements: (0..<(16 * 32 * 32)).map { UInt16(truncatingIfNeeded: $0 &* 31) })
        let store = folder.appending("s.zarr")
        try OMEZarr.write(array, to: store, options: OMEZarrWriteOptions(format: .v2, chunkShape: [4, 16, 16], compressor: .none))
        return (try LazyArray(source: LazySource(format: "zarr", url: store, name: nil), blockBudget: 1 << 12), array)
    }

    @Test func cutsTheLongestAxisAtAChunkBoundary() throws {
        let folder = try TemporaryDirectory("lazy-split")
        let (lazy, _) = try lazy(in: folder)
        // The longest axis (y, 32 = two chunks of 16) is cut at the chunk boundary.
        #expect(lazy.split(ArrayBox(origin: [0, 0, 0], shape: [16, 32, 24]))! == (1, 16))
        // From y = 5, 27 rows: the boundary nearest the middle (y = 16), 11 rows in.
        #expect(lazy.split(ArrayBox(origin: [0, 5, 0], shape: [4, 27, 20]))! == (1, 11))
        // z is longest (16 = four chunks of 4): cut at z = 8.
        #expect(lazy.split(ArrayBox(origin: [0, 0, 0], shape: [16, 8, 8]))! == (0, 8))
        // Inside one chunk: the middle of the longest axis.
        #expect(lazy.split(ArrayBox(origin: [0, 0, 0], shape: [4, 10, 6]))! == (1, 5))
        #expect(lazy.split(ArrayBox(origin: [0, 0, 0], shape: [1, 1, 1])) == nil)
    }

    @Test func theFileChunksCountOnlyWhileTheShapeIsTheFiles() throws {
        let folder = try TemporaryDirectory("lazy-split")
        let (lazy, array) = try lazy(in: folder)
        let projected = lazy.appending(ProjectionTransform(axis: 0, isMean: false))
        // [32, 32] after the projection: the longest axis, not a chunk boundary of the file.
        #expect(projected.split(ArrayBox(origin: [0, 0], shape: [32, 32]))! == (0, 16))
        // The parts make the whole, however the box is cut.
        #expect(try lazy.read(origin: [0, 0, 0], shape: [16, 32, 32]) == array)
        #expect(try lazy.read(origin: [3, 5, 7], shape: [11, 20, 19]) == array.read(origin: [3, 5, 7], shape: [11, 20, 19]))
    }
}
