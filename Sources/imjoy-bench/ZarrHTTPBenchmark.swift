import Dispatch
import Foundation
import ImageIO

/// `imjoy-bench zarr-http write DIR PAGES`: writes PAGES × 2048 × 2048 uint16 as an OME-Zarr
/// image (Zarr v2, Blosc lz4/5/shuffle, chunks (1, 1024, 1024)) at DIR/www/image.ome.zarr.
/// `imjoy-bench zarr-http read URL DIR`: reads level 0 of the image served at URL (a local HTTP
/// server, bench/suites/zarr_http.sh) through the remote Zarr store (only chunk GETs, 16 in
/// flight), best of 2, checks it against the local store and prints `zarr_http_read_blosc_v2`.
enum ZarrHTTPBenchmark {
    static func run(_ arguments: [String]) throws {
        switch (arguments.first, arguments.count) {
        case ("write", 3):
            let pages = Int(arguments[2]) ?? 8
            let store = URL(fileURLWithPath: arguments[1]).appendingPathComponent("www/image.ome.zarr")
            try FileManager.default.createDirectory(at: store.deletingLastPathComponent(), withIntermediateDirectories: true)
            let array = try BenchData.ramp(pages: pages)
            try OMEZarr.write(
                array, to: store, options: OMEZarrWriteOptions(format: .v2, chunkShape: [1, 1024, 1024], compressor: .bloscDefault))
        case ("read", 3):
            let local = URL(fileURLWithPath: arguments[2]).appendingPathComponent("www/image.ome.zarr")
            var expected = try OMEZarr.read(local).array
            // The same read from the local directory, for scale (decoding and copying without the network).
            report("zarr_local_read_blosc_v2", seconds: try measureBest(iterations: 2) { expected = try OMEZarr.read(local).array })
            // BENCH_ZARR_HTTP_PARALLELISM: chunk requests in flight (default: the store's default).
            let environment = ProcessInfo.processInfo.environment
            let parallelism = environment["BENCH_ZARR_HTTP_PARALLELISM"].flatMap(Int.init) ?? RemoteZarrStore.defaultParallelism
            let store = try RemoteZarrStoreKind(client: .shared, parallelism: parallelism).open(arguments[1])
            var best = Double.infinity
            for _ in 0..<2 {
                var result: NDArray?
                best = min(best, try measureBest(iterations: 1) { result = try OMEZarrImage(storage: store).read() })
                guard result == expected else { throw ZarrHTTPBenchmarkFailure(description: "the array read over http differs") }
            }
            report("zarr_http_read_blosc_v2", seconds: best)
            // Every chunk of level 0 fetched one after another, not decoded: the network's share.
            let keys = try chunkKeys(store.child("0"))
            report(
                "zarr_http_fetch_serial",
                seconds: try measureBest(iterations: 1) { for key in keys { _ = try store.read("0/" + key, limit: 1 << 30) } })
        default:
            FileHandle.standardError.write(Data("usage: imjoy-bench zarr-http write DIR PAGES | read URL DIR\n".utf8))
            exit(2)
        }
    }

    /// The chunk keys of the array at the root of `store`.
    private static func chunkKeys(_ store: any ZarrStore) throws -> [String] {
        let array = try ZarrArray(storage: store)
        let grid = zip(array.metadata.shape, array.metadata.chunkShape).map { ($0 + $1 - 1) / $1 }
        var keys: [String] = []
        for index in 0..<grid.reduce(1, *) {
            var rest = index
            var position = [Int](repeating: 0, count: grid.count)
            for axis in grid.indices.reversed() {
                position[axis] = rest % grid[axis]
                rest /= grid[axis]
            }
            keys.append(array.metadata.chunkKey(position))
        }
        return keys
    }
}

private struct ZarrHTTPBenchmarkFailure: Error, CustomStringConvertible {
    var description: String
}
