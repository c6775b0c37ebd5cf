import CDeflate
import Dispatch
import Foundation
import ImageIO

/// `imjoy-bench imageio DIR [PAGES]`: writes and reads PAGES × 2048 × 2048 uint16 (default 64 =
/// 512 MiB) as TIFF (uncompressed, deflate 6 in strips and in 256 × 256 tiles) and HDF5 (contiguous, chunked shuffle + gzip 4),
/// and measures the bare libdeflate codec on one and on two threads (the parallel ceiling).
/// Also writes DIR/data.raw, the same array for the Python and C references.
enum ImageIOBenchmark {
    static func run(_ arguments: [String]) throws {
        guard let directory = arguments.first.map({ URL(fileURLWithPath: $0) }) else {
            FileHandle.standardError.write(Data("usage: imjoy-bench imageio DIR [PAGES]\n".utf8))
            exit(2)
        }
        let pages = arguments.dropFirst().first.flatMap { Int($0) } ?? 64
        let array = try BenchData.ramp(pages: pages)
        // Written once per suite run (the suite calls this once per figure group), so the churn
        // of rewriting 512 MiB does not precede every measurement.
        let raw = directory.appendingPathComponent("data.raw")
        if (try? raw.resourceValues(forKeys: [.fileSizeKey]).fileSize) != array.byteCount {
            try array.withUnsafeBytes { try Data($0).write(to: raw) }
        }

        // MARK: TIFF
        let tiffNone = directory.appendingPathComponent("ours-none.tif")
        let tiffDeflate = directory.appendingPathComponent("ours-deflate.tif")
        try figure("tiff_write_none", iterations: 2) { try TIFFWriter.write(array, to: tiffNone) }
        try figure("tiff_write_deflate6", iterations: 1) {
            try TIFFWriter.write(array, to: tiffDeflate, options: .init(compression: .deflate(level: 6)))
        }
        try readFigure("tiff_read_none", iterations: 2, expecting: array) { try TIFFReader.read(contentsOf: tiffNone).array }
        try readFigure("tiff_read_deflate6", iterations: 1, expecting: array) { try TIFFReader.read(contentsOf: tiffDeflate).array }
        // Tiled pages, as slide viewers and OME-TIFF pyramids store them: 256 × 256 deflate-6 tiles.
        let tiffTiled = directory.appendingPathComponent("ours-tiled.tif")
        try figure("tiff_write_tiled_deflate6", iterations: 1) {
            var options = TIFFWriter.Options(compression: .deflate(level: 6))
            options.tile = TIFFWriter.TileSize(height: 256, width: 256)
            try TIFFWriter.write(array, to: tiffTiled, options: options)
        }
        try readFigure("tiff_read_tiled_deflate6", iterations: 1, expecting: array) { try TIFFReader.read(contentsOf: tiffTiled).array }

        // MARK: HDF5
        let h5Contiguous = directory.appendingPathComponent("ours-contig.h5")
        let h5Gzip = directory.appendingPathComponent("ours-gzip.h5")
        try figure("h5_write_contig", iterations: 2) {
            let writer = try HDF5Writer(url: h5Contiguous)
            try writer.writeDataset("/data", array)
            try writer.commit()
        }
        try figure("h5_write_gzip4", iterations: 1) {
            let writer = try HDF5Writer(url: h5Gzip)
            try writer.writeDataset(
                "/data", array, layout: .chunked(chunkShape: [1, 2048, 2048], compression: .deflate(level: 4), shuffle: true))
            try writer.commit()
        }
        try readFigure("h5_read_contig", iterations: 2, expecting: array) { try HDF5File(contentsOf: h5Contiguous).readDataset("/data") }
        try readFigure("h5_read_gzip4", iterations: 1, expecting: array) { try HDF5File(contentsOf: h5Gzip).readDataset("/data") }

        // MARK: Bare codec ceiling
        for threads in [1, 2] {
            figure("codec_deflate6_\(threads)t", iterations: 1) { deflateAll(array, threads: threads) }
        }
    }

    /// Measures and reports figure `name` (best of `iterations`), unless BENCH_IMAGEIO_ONLY (comma-separated names) leaves it out.
    private static func figure(_ name: String, iterations: Int, _ body: () throws -> Void) rethrows {
        guard isSelected(name) else { return }
        report(name, seconds: try measureBest(iterations: iterations, body))
    }
    /// Like ``figure(_:iterations:_:)`` for a read; each result is compared with `expected` and
    /// released outside the timing (the C and Python references also check outside it).
    private static func readFigure(_ name: String, iterations: Int, expecting expected: NDArray, _ read: () throws -> NDArray) throws {
        guard isSelected(name) else { return }
        var best = Double.infinity
        for _ in 0..<iterations {
            var result: NDArray?
            best = min(best, try measureBest(iterations: 1) { result = try read() })
            guard result == expected else { throw BenchmarkFailure("\(name): read-back differs from the written array") }
        }
        report(name, seconds: best)
    }

    private static func isSelected(_ name: String) -> Bool {
        guard let only = ProcessInfo.processInfo.environment["BENCH_IMAGEIO_ONLY"] else { return true }
        return only.split(separator: ",").contains(Substring(name))
    }

    /// libdeflate level 6 over 256 KiB blocks (TIFF strips) on `threads` threads.
    private static func deflateAll(_ array: NDArray, threads: Int) {
        let block = 256 << 10
        let blocks = (array.byteCount + block - 1) / block
        array.withUnsafeBytes { raw in
            let base = UncheckedPointer(UnsafeMutableRawPointer(mutating: raw.baseAddress!))
            let total = raw.count
            DispatchQueue.concurrentPerform(iterations: threads) { worker in
                let compressor = libdeflate_alloc_compressor(6)
                defer { libdeflate_free_compressor(compressor) }
                let bound = libdeflate_zlib_compress_bound(compressor, block)
                let output = UnsafeMutableRawPointer.allocate(byteCount: bound, alignment: 64)
                defer { output.deallocate() }
                for index in stride(from: worker, to: blocks, by: threads) {
                    let start = index * block
                    _ = libdeflate_zlib_compress(compressor, base.pointer + start, min(block, total - start), output, bound)
                }
            }
        }
    }
}

/// A pointer handed to `concurrentPerform` workers that write disjoint ranges (benchmarks only).
// @unchecked: the workers that share it write disjoint ranges of the memory it points to.
struct UncheckedPointer<Pointee>: @unchecked Sendable {
    let pointer: Pointee
    init(_ pointer: Pointee) { self.pointer = pointer }
}

private struct BenchmarkFailure: Error, CustomStringConvertible {
    var description: String
    init(_ description: String) { self.description = description }
}
