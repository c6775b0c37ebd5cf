import CDeflate
import Dispatch
import Foundation
import ImageIO

/// `imjoy-bench imageio DIR [PAGES]`: writes and reads PAGES × 2048 × 2048 uint16 (default 64 =
/// 512 MiB) as TIFF (uncompressed, deflate 6) and HDF5 (contiguous, chunked shuffle + gzip 4),
/// and measures the bare libdeflate codec on one and on two threads (the parallel ceiling).
/// Also writes DIR/data.raw, the same array for the Python and C references.
enum ImageIOBenchmark {
    static func run(_ arguments: [String]) throws {
        guard let directory = arguments.first.map({ URL(fileURLWithPath: $0) }) else {
            FileHandle.standardError.write(Data("usage: imjoy-bench imageio DIR [PAGES]\n".utf8))
            exit(2)
        }
        let pages = arguments.dropFirst().first.flatMap { Int($0) } ?? 64
        let array = try makeData(pages: pages)
        try array.withUnsafeBytes { try Data($0).write(to: directory.appendingPathComponent("data.raw")) }

        // MARK: TIFF
        let tiffNone = directory.appendingPathComponent("ours-none.tif")
        let tiffDeflate = directory.appendingPathComponent("ours-deflate.tif")
        report("tiff_write_none", seconds: try measureBest(iterations: 2) { try TIFFWriter.write(array, to: tiffNone) })
        report("tiff_write_deflate6", seconds: try measureBest(iterations: 1) {
            try TIFFWriter.write(array, to: tiffDeflate, options: .init(compression: .deflate(level: 6)))
        })
        report("tiff_read_none", seconds: try measureBest(iterations: 2) { try check(TIFFReader.read(contentsOf: tiffNone).array, array) })
        report("tiff_read_deflate6", seconds: try measureBest(iterations: 1) { try check(TIFFReader.read(contentsOf: tiffDeflate).array, array) })

        // MARK: HDF5
        let h5Contiguous = directory.appendingPathComponent("ours-contig.h5")
        let h5Gzip = directory.appendingPathComponent("ours-gzip.h5")
        report("h5_write_contig", seconds: try measureBest(iterations: 2) {
            let writer = try HDF5Writer(url: h5Contiguous)
            try writer.writeDataset("/data", array)
            try writer.commit()
        })
        report("h5_write_gzip4", seconds: try measureBest(iterations: 1) {
            let writer = try HDF5Writer(url: h5Gzip)
            try writer.writeDataset("/data", array, layout: .chunked(chunkShape: [1, 2048, 2048], compression: .deflate(level: 4), shuffle: true))
            try writer.commit()
        })
        report("h5_read_contig", seconds: try measureBest(iterations: 2) { try check(HDF5File(contentsOf: h5Contiguous).readDataset("/data"), array) })
        report("h5_read_gzip4", seconds: try measureBest(iterations: 1) { try check(HDF5File(contentsOf: h5Gzip).readDataset("/data"), array) })

        // MARK: Bare codec ceiling
        for threads in [1, 2] {
            report("codec_deflate6_\(threads)t", seconds: measureBest(iterations: 1) { deflateAll(array, threads: threads) })
        }
    }

    /// A smooth ramp with a little noise: compresses like a real microscope image (about 2–3×).
    private static func makeData(pages: Int) throws -> NDArray {
        var array = try NDArray(zeros: [pages, 2048, 2048], dtype: .uint16)
        try array.withUnsafeMutableBufferPointer(as: UInt16.self) { buffer in
            let base = UncheckedPointer(buffer.baseAddress!)
            DispatchQueue.concurrentPerform(iterations: pages) { page in
                var state = UInt64(page + 1) &* 0x9E37_79B9_7F4A_7C15
                let pixels = base.pointer + page * 2048 * 2048
                for y in 0..<2048 {
                    for x in 0..<2048 {
                        state ^= state << 13
                        state ^= state >> 7
                        state ^= state << 17
                        pixels[y * 2048 + x] = UInt16(truncatingIfNeeded: ((x * 3 + y * 5 + page * 7) & 0x0FFF) + Int(state & 0x1F))
                    }
                }
            }
        }
        return array
    }

    private static func check(_ read: NDArray, _ expected: NDArray) throws {
        guard read == expected else { throw BenchmarkFailure("read-back differs from the written array") }
    }

    /// libdeflate level 6 over 256 KiB blocks (TIFF strips) on `threads` threads.
    private static func deflateAll(_ array: NDArray, threads: Int) {
        let block = 256 << 10
        let blocks = (array.byteCount + block - 1) / block
        array.withUnsafeBytes { raw in
            let base = UncheckedPointer(UnsafeMutableRawPointer(mutating: raw.baseAddress!)), total = raw.count
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

private struct UncheckedPointer<Pointee>: @unchecked Sendable {
    let pointer: Pointee
    init(_ pointer: Pointee) { self.pointer = pointer }
}

private struct BenchmarkFailure: Error, CustomStringConvertible {
    var description: String
    init(_ description: String) { self.description = description }
}
