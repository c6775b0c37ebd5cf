import CBlosc
import CZstd
import Foundation

/// Encodes and decodes the chunks of one array on one thread; make one per worker.
///
/// Blosc goes through c-blosc's context functions (no global state, one internal thread); zstd
/// through libzstd contexts kept for the codec's lifetime.
final class ZarrChunkCodec {
    let compressor: ZarrCompressor
    let typeSize: Int
    private var compressContext: OpaquePointer?
    private var decompressContext: OpaquePointer?

    init(_ compressor: ZarrCompressor, typeSize: Int) {
        self.compressor = compressor
        self.typeSize = typeSize
    }

    deinit {
        if let compressContext { ZSTD_freeCCtx(compressContext) }
        if let decompressContext { ZSTD_freeDCtx(decompressContext) }
    }

    /// The compressed form of `input`, or `nil` when the library failed.
    func encode(_ input: UnsafeRawBufferPointer) -> [UInt8]? {
        switch compressor {
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
        switch compressor {
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
