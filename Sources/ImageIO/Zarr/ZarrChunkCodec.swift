import CBlosc
import CDeflate
import CZstd
import Foundation

/// Encodes and decodes the chunks of one array on one thread; make one per worker.
///
/// Blosc goes through c-blosc's context functions (no global state, one internal thread); zstd
/// through libzstd contexts and gzip / zlib through a libdeflate decompressor, each kept for the
/// codec's lifetime. With `checksum` (Zarr v3's `crc32c` after the compressor) decoding first
/// checks and strips the chunk's trailing CRC32C.
final class ZarrChunkCodec {
    let compressor: ZarrCompressor
    let typeSize: Int
    let checksum: Bool
    private var compressContext: OpaquePointer?
    private var decompressContext: OpaquePointer?
    private var inflater: OpaquePointer?

    init(_ compressor: ZarrCompressor, typeSize: Int, checksum: Bool = false) {
        self.compressor = compressor
        self.typeSize = typeSize
        self.checksum = checksum
    }

    /// The codec of `metadata`'s (inner) chunks.
    convenience init(_ metadata: ZarrArrayMetadata) {
        self.init(metadata.compressor, typeSize: metadata.dtype.byteSize, checksum: metadata.checksum)
    }

    deinit {
        if let compressContext { ZSTD_freeCCtx(compressContext) }
        if let decompressContext { ZSTD_freeDCtx(decompressContext) }
        if let inflater { libdeflate_free_decompressor(inflater) }
    }

    /// The compressed form of `input`, or `nil` when the library failed or the compressor is
    /// only read (gzip, zlib: the writers refuse those first, ``ZarrCompressor/isWritable``).
    func encode(_ input: UnsafeRawBufferPointer) -> [UInt8]? {
        guard !checksum else { return nil }
        switch compressor {
        case .gzip, .zlib:
            return nil
        case .none:
            return Array(input)
        case .zstd(let level):
            if compressContext == nil { compressContext = ZSTD_createCCtx() }
            guard let context = compressContext else { return nil }
            let bound = ZSTD_compressBound(input.count)
            var failed = false
            let output = [UInt8](unsafeUninitializedCapacity: bound) { buffer, count in
                let written = ZSTD_compressCCtx(context, buffer.baseAddress, bound, input.baseAddress, input.count, Int32(level))
                failed = ZSTD_isError(written) != 0
                count = failed ? 0 : written
            }
            return failed ? nil : output
        case .blosc(let inner, let level, let shuffle):
            let bound = input.count + Int(BLOSC_MAX_OVERHEAD)
            var failed = false
            let output = [UInt8](unsafeUninitializedCapacity: bound) { buffer, count in
                let written = blosc_compress_ctx(
                    Int32(level), Int32(shuffle.code), typeSize, input.count, input.baseAddress,
                    buffer.baseAddress, bound, inner.rawValue, 0, 1)
                failed = written <= 0
                count = failed ? 0 : Int(written)
            }
            return failed ? nil : output
        }
    }

    /// Decodes `input` into `output`, which must come out exactly full; returns why not otherwise.
    func decode(_ input: UnsafeRawBufferPointer, into output: UnsafeMutableRawBufferPointer) -> String? {
        var input = input
        if checksum {
            if let reason = CRC32C.verifyTrailer(input) { return reason }
            input = UnsafeRawBufferPointer(rebasing: input[..<(input.count - 4)])
        }
        switch compressor {
        case .gzip:
            return decodeDeflate(input, into: output, gzip: true)
        case .zlib:
            return decodeDeflate(input, into: output, gzip: false)
        case .none:
            guard input.count == output.count else { return "raw chunk has \(input.count) bytes, expected \(output.count)" }
            if let source = input.baseAddress, let destination = output.baseAddress {
                destination.copyMemory(from: source, byteCount: input.count)
            }
            return nil
        case .zstd:
            return decodeZstd(input, into: output)
        case .blosc:
            return decodeBlosc(input, into: output)
        }
    }

    private func decodeZstd(_ input: UnsafeRawBufferPointer, into output: UnsafeMutableRawBufferPointer) -> String? {
        if decompressContext == nil { decompressContext = ZSTD_createDCtx() }
        guard let context = decompressContext, let source = input.baseAddress else { return "empty zstd chunk" }
        let declared = ZSTD_getFrameContentSize(source, input.count)
        // ZSTD_CONTENTSIZE_UNKNOWN / _ERROR are the two largest values; a known size must match.
        if declared < UInt64.max - 1, declared != UInt64(output.count) {
            return "zstd chunk decompresses to \(declared) bytes, expected \(output.count)"
        }
        let written = ZSTD_decompressDCtx(context, output.baseAddress, output.count, source, input.count)
        if ZSTD_isError(written) != 0 {
            return "zstd: \(String(cString: ZSTD_getErrorName(written)))"
        }
        guard written == output.count else { return "zstd chunk decompresses to \(written) bytes, expected \(output.count)" }
        return nil
    }

    /// One gzip member (or several, back to back, as Python's `gzip.decompress` reads them) or
    /// one zlib stream, through libdeflate; the output must come out exactly full.
    private func decodeDeflate(_ input: UnsafeRawBufferPointer, into output: UnsafeMutableRawBufferPointer, gzip: Bool) -> String? {
        if inflater == nil { inflater = libdeflate_alloc_decompressor() }
        let name = gzip ? "gzip" : "zlib"
        guard let inflater else { return "cannot allocate a \(name) decompressor" }
        guard let source = input.baseAddress, input.count > 0 else { return "empty \(name) chunk" }
        var consumed = 0
        var produced = 0
        repeat {
            var read = 0
            var written = 0
            let result =
                gzip
                ? libdeflate_gzip_decompress_ex(
                    inflater, source + consumed, input.count - consumed, output.baseAddress.map { $0 + produced },
                    output.count - produced, &read, &written)
                : libdeflate_zlib_decompress_ex(
                    inflater, source + consumed, input.count - consumed, output.baseAddress.map { $0 + produced },
                    output.count - produced, &read, &written)
            switch result {
            case LIBDEFLATE_SUCCESS: break
            case LIBDEFLATE_INSUFFICIENT_SPACE: return "\(name) chunk decompresses to more than \(output.count) bytes"
            default: return "\(name) chunk is corrupt (libdeflate result \(result.rawValue))"
            }
            consumed += read
            produced += written
        } while gzip && consumed < input.count && produced < output.count
        guard produced == output.count else { return "\(name) chunk decompresses to \(produced) bytes, expected \(output.count)" }
        guard consumed == input.count else { return "\(input.count - consumed) bytes after the \(name) stream" }
        return nil
    }

    private func decodeBlosc(_ input: UnsafeRawBufferPointer, into output: UnsafeMutableRawBufferPointer) -> String? {
        guard input.count >= Int(BLOSC_MIN_HEADER_LENGTH), let source = input.baseAddress else {
            return "Blosc chunk of \(input.count) bytes is shorter than its header"
        }
        var nbytes = 0
        var cbytes = 0
        var blocksize = 0
        blosc_cbuffer_sizes(source, &nbytes, &cbytes, &blocksize)
        guard cbytes == input.count else { return "Blosc header says \(cbytes) compressed bytes, the chunk has \(input.count)" }
        guard nbytes == output.count else { return "Blosc chunk decompresses to \(nbytes) bytes, expected \(output.count)" }
        let written = blosc_decompress_ctx(source, output.baseAddress, output.count, 1)
        guard written == Int32(output.count) else {
            return written < 0
                ? "Blosc decompression failed (\(written))" : "Blosc chunk decompresses to \(written) bytes, expected \(output.count)"
        }
        return nil
    }
}
