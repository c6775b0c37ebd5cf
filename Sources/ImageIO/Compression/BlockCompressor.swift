import CDeflate
import CZstd

/// Compresses independent blocks (TIFF strips, HDF5 chunks) on one thread; make one per worker.
///
/// Deflate uses libdeflate in zlib framing (what TIFF's Adobe deflate and HDF5's gzip filter store);
/// zstd uses libzstd's one-shot API.
final class BlockCompressor {
    private let compression: Compression
    private var deflater: OpaquePointer?
    private var zstdContext: OpaquePointer?

    /// A compressor for `compression` (`.deflate` or `.zstd`; anything else is rejected).
    init(_ compression: Compression) {
        self.compression = compression
        switch compression {
        case .deflate(let level): deflater = libdeflate_alloc_compressor(Int32(min(max(level, 0), 12)))
        case .zstd: zstdContext = ZSTD_createCCtx()
        case .none, .lzw, .blosc: break
        }
    }

    deinit {
        if let deflater { libdeflate_free_compressor(deflater) }
        if let zstdContext { ZSTD_freeCCtx(zstdContext) }
    }

    /// The output room ``compress(_:into:)`` needs for `inputBytes` bytes of input.
    func bound(forInputBytes inputBytes: Int) -> Int {
        switch compression {
        case .deflate:
            guard let deflater else { return inputBytes }
            return libdeflate_zlib_compress_bound(deflater, inputBytes)
        case .zstd: return ZSTD_compressBound(inputBytes)
        case .none, .lzw, .blosc: return inputBytes
        }
    }

    /// Compresses `input` into `output`, which needs ``bound(forInputBytes:)`` bytes; returns the
    /// compressed size, or `nil` when compression failed.
    func compress(_ input: UnsafeRawBufferPointer, into output: UnsafeMutableRawBufferPointer) -> Int? {
        switch compression {
        case .deflate:
            guard let deflater else { return nil }
            let written = libdeflate_zlib_compress(deflater, input.baseAddress, input.count, output.baseAddress, output.count)
            return written == 0 ? nil : written
        case .zstd(let level):
            guard let zstdContext else { return nil }
            let written = ZSTD_compressCCtx(zstdContext, output.baseAddress, output.count, input.baseAddress, input.count, Int32(level))
            return ZSTD_isError(written) != 0 ? nil : written
        case .none, .lzw, .blosc:
            guard input.count <= output.count else { return nil }
            if let source = input.baseAddress, let destination = output.baseAddress {
                destination.copyMemory(from: source, byteCount: input.count)
            }
            return input.count
        }
    }

    /// The compressed form of `input` (a new array sized to fit); empty when compression failed.
    func compress(_ input: UnsafeRawBufferPointer) -> [UInt8] {
        let bound = bound(forInputBytes: input.count)
        return [UInt8](unsafeUninitializedCapacity: bound) { buffer, count in
            count = compress(input, into: UnsafeMutableRawBufferPointer(buffer)) ?? 0
        }
    }
}

/// Byte-shuffles `count` elements of `elementSize` bytes (HDF5's shuffle filter): all first bytes,
/// then all second bytes, and so on.
func shuffleBytes(_ input: UnsafeRawBufferPointer, elementSize: Int, into output: UnsafeMutableRawBufferPointer) {
    let n = input.count / elementSize
    let src = input.bindMemory(to: UInt8.self)
    let dst = output.bindMemory(to: UInt8.self)
    if elementSize == 2 {
        for i in 0..<n {
            dst[i] = src[2 * i]
            dst[n + i] = src[2 * i + 1]
        }
    } else {
        for b in 0..<elementSize {
            let base = b * n
            for i in 0..<n { dst[base + i] = src[i * elementSize + b] }
        }
    }
    // Trailing bytes that do not fill an element stay in place, as in H5Zshuffle.
    for i in (n * elementSize)..<input.count { dst[i] = src[i] }
}
