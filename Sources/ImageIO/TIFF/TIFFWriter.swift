import CTIFF
import Dispatch
import Foundation
import ImJoySchema

/// Writes arrays as multi-page TIFF stacks through libtiff.
///
/// The last two dimensions are a page's height and width; all leading dimensions are flattened into
/// pages (C order). Deflate and zstd strips are compressed in parallel on Dispatch workers
/// (libdeflate / libzstd directly), one continuous stream of strips across pages, and written in
/// order with `TIFFWriteRawStrip` as they come; LZW uses
/// libtiff's own encoder serially. Files go to a temporary sibling and are renamed into place.
public enum TIFFWriter {
    /// What the first page's ImageDescription holds.
    public enum Description: Sendable {
        /// No description.
        case none
        /// ImageJ hyperstack metadata derived from the array's shape (see ``ImageJMetadata/init(shape:)``).
        case imageJ
        /// Explicit ImageJ metadata (its `images` must equal the page count).
        case imageJMetadata(ImageJMetadata)
        /// A JSON document, for provenance.
        case json(JSONValue)
        /// Free text.
        case text(String)
    }

    /// Options for writing.
    public struct Options: Sendable {
        /// The strip compression.
        public var compression: Compression = .none
        /// `true` forces BigTIFF, `false` forbids it, `nil` uses it past 4 GiB.
        public var bigTIFF: Bool? = nil
        /// The ImageDescription of the first page.
        public var description: Description = .none
        /// Whether the file is `fsync`ed before it is renamed into place.
        public var synchronizes = false
        /// Rows per strip; by default ~256 KiB strips when compressing, whole pages otherwise.
        public var rowsPerStrip: Int? = nil
        /// Private ASCII tags (number, text) on the first page, e.g. provenance beside ImageJ metadata.
        public var privateASCIITags: [(tag: UInt32, text: String)] = []
        /// Compression workers; by default the number of active processors.
        public var threads: Int = ProcessInfo.processInfo.activeProcessorCount
        /// X/YResolution (pixels per unit) and ResolutionUnit (1 none, as ImageJ writes with its
        /// unit in the description; 2 inch; 3 centimeter) on every page, if given.
        public var resolution: (x: Double, y: Double, unit: UInt16)? = nil

        public init(compression: Compression = .none, bigTIFF: Bool? = nil, description: Description = .none) {
            self.compression = compression
            self.bigTIFF = bigTIFF
            self.description = description
        }
    }

    /// The size past which ``Options/bigTIFF`` `nil` switches to BigTIFF (4 GiB less room for tags).
    public static let bigTIFFThreshold = (1 << 32) - (64 << 20)

    // MARK: - Writing

    /// Writes `array` to `url` atomically.
    ///
    /// - Throws: ``TIFFError`` naming the file when the array cannot be stored or libtiff fails.
    public static func write(_ array: NDArray, to url: URL, options: Options = Options()) throws(TIFFError) {
        try write(source: array, to: url, options: options, blockBytes: .max)
    }

    /// Writes the array `source` provides to `url` atomically, reading whole pages, at most about
    /// `blockBytes` at a time (at least one page), and writing each group of pages before the next
    /// is read.
    ///
    /// - Throws: ``TIFFError`` naming the file when the array cannot be stored, the source fails
    ///   or libtiff fails.
    public static func write(source: any ArraySource, to url: URL, options: Options = Options(), blockBytes: Int) throws(TIFFError) {
        let file = url.path
        let shape = source.shape
        guard shape.count >= 2 else { throw .invalidArray(file: file, reason: "a TIFF page needs 2 dimensions, got shape \(shape)") }
        guard source.dtype != .bool else { throw .invalidArray(file: file, reason: "bool arrays are not stored in TIFF; convert to uint8") }
        let height = shape[shape.count - 2]
        let width = shape[shape.count - 1]
        guard height > 0, width > 0, height <= Int(UInt32.max), width <= Int(UInt32.max) else {
            throw .invalidArray(file: file, reason: "page size \(height)x\(width)")
        }
        let pageCount = shape.dropLast(2).reduce(1, *)
        guard pageCount > 0 else { throw .invalidArray(file: file, reason: "empty stack of shape \(shape)") }
        let descriptionText = try makeDescription(options.description, shape: shape, dtype: source.dtype, pageCount: pageCount, file: file)
        if case .blosc = options.compression { throw .unsupported(file: file, reason: "Blosc is a Zarr compression, not a TIFF one") }
        if case .lzw = options.compression, TIFFIsCODECConfigured(UInt16(COMPRESSION_LZW)) == 0 {
            throw .invalidArray(file: file, reason: "this libtiff lacks the LZW codec")
        }
        let byteCount = source.byteCount
        let big = options.bigTIFF ?? (byteCount >= bigTIFFThreshold)
        if !big, byteCount >= bigTIFFThreshold, options.compression == .none {
            throw .invalidArray(file: file, reason: "\(byteCount) bytes do not fit a classic TIFF; allow BigTIFF")
        }
        let output = AtomicOutputFile(destination: url, synchronizes: options.synchronizes)
        let handle: TIFFHandle
        do {
            handle = try TIFFHandle.open(path: output.temporaryURL.path, mode: big ? "w8" : "w")
        } catch {
            // A full disk fails here already ("Error writing TIFF header"): a write failure of
            // the final file, not an unreadable input.
            let code = errno
            let text = if case .cannotOpen(_, let text) = error { text } else { "\(error)" }
            let reason = WriteFailure.reason("cannot create: \(text)", errno: code, file: file)
            output.discard()
            throw .writeFailed(file: file, reason: reason)
        }
        do {
            try writePages(of: source, handle: handle, options: options, description: descriptionText, blockBytes: blockBytes, file: file)
        } catch {
            let code = errno
            handle.close()
            // The cause is read before the temporary file is removed (and its blocks freed).
            let failure: TIFFError =
                if case .writeFailed(let name, let reason) = error {
                    .writeFailed(file: name, reason: WriteFailure.reason(reason, errno: code, file: file))
                } else { error }
            output.discard()
            throw failure
        }
        let flushed = handle.close(flush: true)
        guard flushed, !handle.hasError else {
            let code = errno
            let reason = WriteFailure.reason(handle.takeError("flush failed"), errno: code, file: file)
            output.discard()
            throw .writeFailed(file: file, reason: reason)
        }
        do {
            try output.commit()
        } catch {
            throw .writeFailed(file: file, reason: error.reason)
        }
    }

    /// Reads the source a group of whole pages at a time and writes each group's pages.
    private static func writePages(
        of source: any ArraySource, handle: TIFFHandle, options: Options, description: String?, blockBytes: Int, file: String
    ) throws(TIFFError) {
        let shape = source.shape
        let (height, width) = (shape[shape.count - 2], shape[shape.count - 1])
        let pages = shape.dropLast(2).map { _ in 1 } + [height, width]
        let unit = BlockGrid.unit(
            pages, covering: source.chunkShape, shape: shape, elementSize: source.dtype.byteSize, budget: blockBytes)
        let grid = BlockGrid(shape: shape, unit: unit, elementSize: source.dtype.byteSize, budget: blockBytes)
        var firstPage = 0
        for index in 0..<grid.count {
            let (origin, extent) = grid.block(index)
            let block: NDArray
            do {
                block = try source.read(origin: origin, shape: extent)
            } catch let error as TIFFError {
                throw error
            } catch {
                throw .writeFailed(file: file, reason: "reading pages at \(origin) of \(extent): \(error)")
            }
            guard block.shape == extent, block.dtype == source.dtype else {
                throw .invalidArray(file: file, reason: "the source gave \(block.shape) \(block.dtype) for pages at \(origin) of \(extent)")
            }
            let layout = PageWriter(array: block, width: width, height: height, options: options, file: file, firstPage: firstPage)
            let text = firstPage == 0 ? description : nil
            if layout.compressesInParallel {
                try layout.writeCompressedPages(handle: handle, description: text)
            } else {
                for page in 0..<layout.pageCount {
                    try layout.writePage(page, handle: handle, description: page == 0 ? text : nil)
                }
            }
            firstPage += layout.pageCount
        }
    }

    private static func makeDescription(_ description: Description, shape: [Int], dtype: DType, pageCount: Int, file: String)
        throws(TIFFError) -> String?
    {
        switch description {
        case .none: return nil
        case .text(let text): return text
        case .json(let value): return value.serialized()
        case .imageJ, .imageJMetadata:
            guard [.uint8, .uint16, .int16, .float32].contains(dtype) else {
                throw .invalidArray(file: file, reason: "ImageJ stores uint8, uint16, int16 or float32, not \(dtype)")
            }
            let metadata: ImageJMetadata
            if case .imageJMetadata(let given) = description {
                metadata = given
            } else {
                guard let derived = ImageJMetadata(shape: shape) else {
                    throw .invalidArray(file: file, reason: "ImageJ hyperstacks have 2 to 5 dimensions (TZCYX), got \(shape)")
                }
                metadata = derived
            }
            guard metadata.images == pageCount else {
                throw .invalidArray(file: file, reason: "ImageJ images=\(metadata.images) but the array has \(pageCount) pages")
            }
            return metadata.descriptionText
        }
    }
}

// MARK: - Page writer

/// Writes the pages of one array: tags, then strips (compressed in parallel where possible).
private struct PageWriter {
    let array: NDArray
    let width: Int
    let height: Int
    let options: TIFFWriter.Options
    let file: String
    let rowBytes: Int
    let rowsPerStrip: Int
    let compressors: [BlockCompressor]
    /// The number of the first page in the file (pages already written by earlier groups).
    let firstPage: Int

    init(array: NDArray, width: Int, height: Int, options: TIFFWriter.Options, file: String, firstPage: Int = 0) {
        self.array = array
        self.firstPage = firstPage
        self.width = width
        self.height = height
        self.options = options
        self.file = file
        rowBytes = width * array.dtype.byteSize
        let target = options.compression == .none ? 64 << 20 : 256 << 10
        rowsPerStrip = min(max(options.rowsPerStrip ?? (target / max(rowBytes, 1)), 1), height)
        switch options.compression {
        case .deflate, .zstd: compressors = (0..<max(options.threads, 1)).map { _ in BlockCompressor(options.compression) }
        case .none, .lzw, .blosc: compressors = []
        }
    }

    private var compressionTag: UInt16 {
        switch options.compression {
        case .none, .blosc: UInt16(COMPRESSION_NONE)
        case .deflate: UInt16(COMPRESSION_ADOBE_DEFLATE)
        case .lzw: UInt16(COMPRESSION_LZW)
        case .zstd: UInt16(COMPRESSION_ZSTD)
        }
    }

    private var sampleFormat: UInt16 {
        let dtype = array.dtype
        if dtype.isFloatingPoint { return UInt16(SAMPLEFORMAT_IEEEFP) }
        return dtype.isSignedInteger ? UInt16(SAMPLEFORMAT_INT) : UInt16(SAMPLEFORMAT_UINT)
    }

    /// Whether strips are compressed here (deflate, zstd) rather than by libtiff.
    var compressesInParallel: Bool { !compressors.isEmpty }

    private var stripCount: Int { (height + rowsPerStrip - 1) / rowsPerStrip }

    /// The number of pages (all leading dimensions).
    var pageCount: Int { array.shape.dropLast(2).reduce(1, *) }

    /// The bytes of strip `strip` of page `page` in the array.
    private func stripRange(page: Int, strip: Int) -> (UnsafeRawPointer, Int) {
        let first = strip * rowsPerStrip
        let start = UnsafeRawPointer(array.storage.baseAddress) + page * rowBytes * height + first * rowBytes
        return (start, min(rowsPerStrip, height - first) * rowBytes)
    }

    /// Writes every page, its strips compressed on the worker compressors while earlier strips are
    /// written (see ``compressInOrder(count:compressors:maxBlockBytes:block:consume:)``).
    func writeCompressedPages(handle: TIFFHandle, description: String?) throws(TIFFError) {
        let tiff = handle.tiff
        let strips = stripCount
        let pages = pageCount
        try compressInOrder(
            count: pages * strips, compressors: compressors, maxBlockBytes: rowsPerStrip * rowBytes,
            block: { index in
                let (start, size) = stripRange(page: index / strips, strip: index % strips)
                return UnsafeRawBufferPointer(start: start, count: size)
            }
        ) { (index, bytes) throws(TIFFError) in
            let page = index / strips
            let strip = index % strips
            if strip == 0 { try setTags(page, handle: handle, description: page == 0 ? description : nil) }
            guard let bytes else { throw .writeFailed(file: file, reason: "compressing strip \(strip) of page \(firstPage + page) failed") }
            let written = TIFFWriteRawStrip(
                tiff, UInt32(strip), UnsafeMutableRawPointer(mutating: bytes.baseAddress), tmsize_t(bytes.count))
            guard written == bytes.count else {
                throw .writeFailed(file: file, reason: handle.takeError("strip \(strip) of page \(firstPage + page)"))
            }
            if strip == strips - 1 { try writeDirectory(page, handle: handle) }
        }
    }

    /// Sets the tags of `page` (before its strips).
    private func setTags(_ page: Int, handle: TIFFHandle, description: String?) throws(TIFFError) {
        let tiff = handle.tiff
        var ok = true
        ok = ok && CTIFF_TIFFSetField_uint32(tiff, UInt32(TIFFTAG_IMAGEWIDTH), UInt32(width)) == 1
        ok = ok && CTIFF_TIFFSetField_uint32(tiff, UInt32(TIFFTAG_IMAGELENGTH), UInt32(height)) == 1
        ok = ok && CTIFF_TIFFSetField_uint16(tiff, UInt32(TIFFTAG_BITSPERSAMPLE), UInt16(array.dtype.byteSize * 8)) == 1
        ok = ok && CTIFF_TIFFSetField_uint16(tiff, UInt32(TIFFTAG_SAMPLESPERPIXEL), 1) == 1
        ok = ok && CTIFF_TIFFSetField_uint16(tiff, UInt32(TIFFTAG_SAMPLEFORMAT), sampleFormat) == 1
        ok = ok && CTIFF_TIFFSetField_uint16(tiff, UInt32(TIFFTAG_PHOTOMETRIC), UInt16(PHOTOMETRIC_MINISBLACK)) == 1
        ok = ok && CTIFF_TIFFSetField_uint16(tiff, UInt32(TIFFTAG_PLANARCONFIG), UInt16(PLANARCONFIG_CONTIG)) == 1
        ok = ok && CTIFF_TIFFSetField_uint16(tiff, UInt32(TIFFTAG_COMPRESSION), compressionTag) == 1
        ok = ok && CTIFF_TIFFSetField_uint32(tiff, UInt32(TIFFTAG_ROWSPERSTRIP), UInt32(rowsPerStrip)) == 1
        ok = ok && CTIFF_TIFFSetField_string(tiff, UInt32(TIFFTAG_SOFTWARE), "imjoy-run") == 1
        if let resolution = options.resolution {
            // libtiff takes the rationals as doubles through its variadic setter.
            ok = ok && CTIFF_TIFFSetField_double(tiff, UInt32(TIFFTAG_XRESOLUTION), resolution.x) == 1
            ok = ok && CTIFF_TIFFSetField_double(tiff, UInt32(TIFFTAG_YRESOLUTION), resolution.y) == 1
            ok = ok && CTIFF_TIFFSetField_uint16(tiff, UInt32(TIFFTAG_RESOLUTIONUNIT), resolution.unit) == 1
        }
        if let description {
            ok = ok && CTIFF_TIFFSetField_string(tiff, UInt32(TIFFTAG_IMAGEDESCRIPTION), description) == 1
            for (tag, text) in options.privateASCIITags { ok = ok && CTIFF_setPrivateASCII(tiff, tag, text) == 1 }
        }
        guard ok else { throw .writeFailed(file: file, reason: handle.takeError("cannot set the tags of page \(firstPage + page)")) }
    }

    /// Ends `page` (after its strips).
    private func writeDirectory(_ page: Int, handle: TIFFHandle) throws(TIFFError) {
        guard TIFFWriteDirectory(handle.tiff) == 1 else {
            throw .writeFailed(file: file, reason: handle.takeError("cannot write the directory of page \(firstPage + page)"))
        }
    }

    /// Writes the tags and strips of `page` when libtiff stores the strips (none, LZW).
    func writePage(_ page: Int, handle: TIFFHandle, description: String?) throws(TIFFError) {
        let tiff = handle.tiff
        try setTags(page, handle: handle, description: description)
        func stripRange(_ strip: Int) -> (UnsafeRawPointer, Int) { self.stripRange(page: page, strip: strip) }

        switch options.compression {
        case .none:
            for strip in 0..<stripCount {
                let (start, size) = stripRange(strip)
                guard TIFFWriteRawStrip(tiff, UInt32(strip), UnsafeMutableRawPointer(mutating: start), tmsize_t(size)) == size else {
                    throw .writeFailed(file: file, reason: handle.takeError("strip \(strip) of page \(firstPage + page)"))
                }
            }
        case .lzw:
            // libtiff's encoder modifies nothing for predictor none, but takes a mutable pointer.
            for strip in 0..<stripCount {
                let (start, size) = stripRange(strip)
                guard TIFFWriteEncodedStrip(tiff, UInt32(strip), UnsafeMutableRawPointer(mutating: start), tmsize_t(size)) >= 0 else {
                    throw .writeFailed(file: file, reason: handle.takeError("strip \(strip) of page \(firstPage + page)"))
                }
            }
        case .deflate, .zstd, .blosc:
            preconditionFailure("deflate and zstd pages are written by writeCompressedPages")
        }
        try writeDirectory(page, handle: handle)
    }
}
