import Dispatch
import Foundation
import ImageIO

/// `imjoy-bench zarr DIR [PAGES]`: writes PAGES × 2048 × 2048 uint16 (default 32 = 256 MiB) as
/// OME-Zarr with chunks (1, 1024, 1024) — Zarr v2 + Blosc (lz4, level 5, byte shuffle, numcodecs'
/// default) and Zarr v3 + zstd level 3 — and reads the Blosc store back. Also writes DIR/zarr.raw,
/// the same array for bench/reference/zarr_ref.py.
enum ZarrBenchmark {
    static func run(_ arguments: [String]) throws {
        guard let directory = arguments.first.map({ URL(fileURLWithPath: $0) }) else {
            FileHandle.standardError.write(Data("usage: imjoy-bench zarr DIR [PAGES]\n".utf8))
            exit(2)
        }
        let pages = arguments.dropFirst().first.flatMap { Int($0) } ?? 32
        let array = try BenchData.ramp(pages: pages)
        let raw = directory.appendingPathComponent("zarr.raw")
        if (try? raw.resourceValues(forKeys: [.fileSizeKey]).fileSize) != array.byteCount {
            try array.withUnsafeBytes { try Data($0).write(to: raw) }
        }
        let blosc = directory.appendingPathComponent("ours-blosc.zarr")
        let zstd = directory.appendingPathComponent("ours-zstd.zarr")
        let chunks = [1, 1024, 1024]
        report(
            "zarr_write_blosc_v2",
            seconds: try measureBest(iterations: 2) {
                try OMEZarr.write(
                    array, to: blosc, options: OMEZarrWriteOptions(format: .v2, chunkShape: chunks, compressor: .bloscDefault))
            })
        report(
            "zarr_write_zstd3_v3",
            seconds: try measureBest(iterations: 2) {
                try OMEZarr.write(
                    array, to: zstd, options: OMEZarrWriteOptions(format: .v3, chunkShape: chunks, compressor: .zstd(level: 3)))
            })
        var best = Double.infinity
        for _ in 0..<2 {
            var result: NDArray?
            best = min(best, try measureBest(iterations: 1) { result = try OMEZarr.read(blosc).array })
            guard result == array else { throw ZarrBenchmarkFailure(description: "zarr read-back differs from the written array") }
        }
        report("zarr_read_blosc_v2", seconds: best)
    }
}

private struct ZarrBenchmarkFailure: Error, CustomStringConvertible {
    var description: String
}
