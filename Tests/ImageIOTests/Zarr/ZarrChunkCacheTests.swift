import Foundation
import TestSupport
import Testing

@testable import ImageIO

/// Decoded chunks kept between reads: overlapping boxes (a halo) decode a chunk once, aligned
/// reads keep nothing, the capacity holds, and the values are those of uncached reads.
@Suite("Zarr decoded-chunk cache")
struct ZarrChunkCacheTests {
    /// A [6, 40, 40] uint16 store in chunks of [2, 16, 16] (edge chunks on both page axes).
    private func makeStore(in folder: TemporaryDirectory) throws -> (URL, NDArray) {
        let values = (0..<(6 * 40 * 40)).map { UInt16(truncatingIfNeeded: $0 &* 7919) }
        let array = try NDArray(shape: [6, 40, 40], elements: values)
        let store = folder.appending("c.zarr")
        try OMEZarr.write(array, to: store, options: OMEZarrWriteOptions(format: .v2, chunkShape: [2, 16, 16], compressor: .bloscDefault))
        return (store, array)
    }

    @Test("boxes with a halo reuse the chunks they share and read the same values")
    func haloReuse() throws {
        let folder = try TemporaryDirectory("zarr-cache")
        let (store, array) = try makeStore(in: folder)
        let source = try ZarrArraySource(image: store, cacheBytes: 1 << 20)
        let plain = try ZarrArraySource(image: store)
        // Boxes of [2, 16, 16] along x with a halo of 3 each side: each reaches into its neighbours' chunks.
        for x in stride(from: 0, to: 40, by: 16) {
            let low = max(x - 3, 0)
            let high = min(x + 16 + 3, 40)
            let box = try source.read(origin: [2, 10, low], shape: [2, 16, high - low])
            #expect(box == (try plain.read(origin: [2, 10, low], shape: [2, 16, high - low])))
            #expect(box == (try array.read(origin: [2, 10, low], shape: [2, 16, high - low])))
        }
        let (hits, misses) = try #require(source.cache?.statistics)
        // 3 boxes × 2 chunk rows × 2–3 chunk columns = 14 chunk reads of 6 distinct chunks.
        #expect(misses == 6 && hits == 8, "hits \(hits), misses \(misses)")
    }

    @Test("aligned reads of whole chunks keep nothing")
    func alignedReadsKeepNothing() throws {
        let folder = try TemporaryDirectory("zarr-cache")
        let (store, array) = try makeStore(in: folder)
        let source = try ZarrArraySource(image: store, cacheBytes: 1 << 20)
        #expect(try source.read(origin: [0, 0, 0], shape: [6, 40, 40]) == array)
        #expect(try source.read(origin: [0, 0, 0], shape: [6, 40, 40]) == array)
        #expect(source.cache?.statistics.hits == 0)
    }

    @Test("the least recently used chunk leaves first and the capacity holds")
    func eviction() {
        let cache = ZarrChunkCache(capacity: 3000)
        cache.insert([0], bytes: [UInt8](repeating: 1, count: 1000))
        cache.insert([1], bytes: [UInt8](repeating: 2, count: 1000))
        cache.insert([2], bytes: [UInt8](repeating: 3, count: 1000))
        #expect(cache.chunk([0]) != nil)  // [1] is now the least recently used
        cache.insert([3], bytes: [UInt8](repeating: 4, count: 1000))
        #expect(cache.chunk([1]) == nil)
        #expect(cache.chunk([0])?.first == 1 && cache.chunk([2])?.first == 3 && cache.chunk([3])?.first == 4)
        cache.insert([4], bytes: [UInt8](repeating: 5, count: 4000))  // larger than the capacity: not kept
        #expect(cache.chunk([4]) == nil && cache.chunk([3]) != nil)
    }
}
