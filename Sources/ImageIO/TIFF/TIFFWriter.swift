import CTIFF
import Dispatch
import Foundation
import ImJoySchema

/// Writes arrays as multi-page TIFF stacks through libtiff.
///
/// The last two dimensions are a page's height and width; all leading dimensions are flattened into
/// pages (C order). Pages are stored in strips or tiles, optionally with sub-resolution levels in
/// SubIFDs (as OME-TIFF pyramids are). Deflate and zstd strips and tiles are compressed in
/// parallel on Dispatch workers (libdeflate / libzstd directly), one continuous stream across
/// pages, and written in order with `TIFFWriteRaw…` as they come; LZW uses libtiff's own encoder
/// serially (``TIFFBlockWriter``). Files go to a temporary sibling and are renamed into place.
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

    /// The size of a tile: both multiples of 16, as the TIFF specification asks.
    public struct TileSize: Sendable, Equatable {
        public var height: Int
        public var width: Int

        public init(height: Int, width: Int) {
            self.height = height
            self.width = width
        }
    }

    /// The most sub-resolution levels a page may have.
    public static let maximumSubResolutionLevels = 16

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
        /// Tiles of this size instead of strips (``rowsPerStrip`` is then unused).
        public var tile: TileSize? = nil
        /// Sub-resolution levels per page, each half the size of the one above (2×2 mean), in
        /// the page's SubIFDs with NewSubfileType 1: the pyramid layout Bio-Formats and tifffile
        /// read for OME-TIFF. A page larger than a block has its levels streamed in bands, each
        /// level reading the page again.
        public var subResolutionLevels = 0

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

    /// Writes the array `source` provides to `url` atomically, reading at most about `blockBytes`
    /// at a time — whole pages, or bands of rows of a page larger than that (at least one row of
    /// strips or tiles) — and writing each block before the next is read.
    ///
    /// - Throws: ``TIFFError`` naming the file when the array cannot be stored, the source fails
    ///   or libtiff fails.
    public static func write(source: any ArraySource, to url: URL, options: Options = Options(), blockBytes: Int) throws(TIFFError) {
        let file = url.path
        let descriptionText = try check(source, options: options, file: file)
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
            try writeBlocks(of: source, handle: handle, options: options, description: descriptionText, blockBytes: blockBytes, file: file)
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

    /// Checks that `source` can be written with `options`; returns the first page's description.
    private static func check(_ source: any ArraySource, options: Options, file: String) throws(TIFFError) -> String? {
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
        if case .blosc = options.compression { throw .unsupported(file: file, reason: "Blosc is a Zarr compression, not a TIFF one") }
        if case .lzw = options.compression, TIFFIsCODECConfigured(UInt16(COMPRESSION_LZW)) == 0 {
            throw .invalidArray(file: file, reason: "this libtiff lacks the LZW codec")
        }
        if let tile = options.tile {
            guard tile.height >= 16, tile.width >= 16, tile.height % 16 == 0, tile.width % 16 == 0,
                tile.height * tile.width <= (1 << 30) / source.dtype.byteSize
            else {
                throw .invalidArray(
                    file: file, reason: "tiles of \(tile.height)x\(tile.width): TIFF tiles are multiples of 16 (at most 1 GiB)")
            }
            if case .imageJ = options.description { throw .unsupported(file: file, reason: "ImageJ does not read tiled TIFF") }
            if case .imageJMetadata = options.description { throw .unsupported(file: file, reason: "ImageJ does not read tiled TIFF") }
        }
        guard (0...maximumSubResolutionLevels).contains(options.subResolutionLevels) else {
            throw .invalidArray(
                file: file, reason: "\(options.subResolutionLevels) sub-resolution levels (at most \(maximumSubResolutionLevels))")
        }
        return try makeDescription(options.description, shape: shape, dtype: source.dtype, pageCount: pageCount, file: file)
    }

    /// Reads the source a block at a time (``BlockGrid``: whole pages while they fit, else a band
    /// of whole rows of strips or tiles of one page) and writes each block's units.
    private static func writeBlocks(
        of source: any ArraySource, handle: TIFFHandle, options: Options, description: String?, blockBytes: Int, file: String
    ) throws(TIFFError) {
        let shape = source.shape
        let rank = shape.count
        let elementSize = source.dtype.byteSize
        let layout = TIFFUnitLayout(width: shape[rank - 1], height: shape[rank - 2], elementSize: elementSize, options: options)
        var unit = BlockGrid.unit(
            shape.dropLast(2).map { _ in 1 } + [layout.unitHeight, layout.width], covering: source.chunkShape, shape: shape,
            elementSize: elementSize, budget: blockBytes)
        // A band of rows covers one page only: pages are written one after another.
        if unit[rank - 2] < layout.height { unit = shape.dropLast(2).map { _ in 1 } + unit.suffix(2) }
        let grid = BlockGrid(shape: shape, unit: unit, elementSize: elementSize, budget: blockBytes)
        let threads = max(options.threads, 1)
        let compressors: [BlockCompressor] =
            switch options.compression {
            case .deflate, .zstd: (0..<threads).map { _ in BlockCompressor(options.compression) }
            case .none, .lzw, .blosc: []
            }
        let context = TIFFPageContext(
            options: options, file: file, source: source, blockBytes: blockBytes, description: description,
            levelCompressors: options.subResolutionLevels > 0 ? compressors.map { _ in BlockCompressor(options.compression) } : [])
        let pageStrides = Array(ZarrBoxCopy.strides(Array(shape.dropLast(2))))
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
            let firstPage = zip(origin.dropLast(2), pageStrides).reduce(0) { $0 + $1.0 * $1.1 }
            let writer = TIFFBlockWriter(block: block, firstRow: origin[rank - 2], firstPage: firstPage, layout: layout, context: context)
            try writer.write(handle: handle, compressors: compressors)
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
