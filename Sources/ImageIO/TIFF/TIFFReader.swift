import CTIFF
import Foundation

/// A TIFF file read as one array.
public struct TIFFImage: Sendable {
    /// The pixels: one page is `[h, w]` (`[h, w, s]` chunky, `[s, h, w]` planar); a stack adds a
    /// leading page dimension, or `[frames, slices, channels]` (extents of 1 dropped) for ImageJ
    /// hyperstacks.
    public var array: NDArray
    /// The first page's ImageDescription.
    public var description: String?
    /// The ImageJ metadata, when the description is ImageJ's.
    public var imageJ: ImageJMetadata?
    /// The number of pages read.
    public var pageCount: Int
    /// The first page's XResolution, YResolution (pixels per unit) and ResolutionUnit (1 none,
    /// 2 inch, 3 centimeter), when it has both resolutions.
    public var resolution: (x: Double, y: Double, unit: Int)? = nil
}

/// Reads TIFF files through libtiff: strips and tiles, chunky and planar, 8–64-bit integers,
/// float16/32/64, BigTIFF, multi-page stacks, and every compression libtiff decodes.
public enum TIFFReader {
    /// Options for reading.
    public struct Options: Sendable {
        /// The largest array to allocate; larger images fail with ``TIFFError/tooLarge(file:byteCount:limit:)``.
        public var maximumByteCount: Int = NDArray.maximumByteCount
        /// Whether ImageJ hyperstacks are reshaped to `[frames, slices, channels, …]`.
        public var reshapesImageJHyperstacks = true
        /// The largest number of pages accepted.
        public var maximumPageCount = 1 << 20

        public init() {}
    }

    // MARK: - Entry points

    /// Reads every page of the TIFF at `url` as one stack.
    ///
    /// - Throws: ``TIFFError`` naming the file for unreadable, unsupported, corrupt or oversized input.
    public static func read(contentsOf url: URL, options: Options = Options()) throws(TIFFError) -> TIFFImage {
        let handle = try TIFFHandle.open(path: url.path, mode: "r")
        return try read(handle, path: url.path, options: options)
    }

    /// Reads a TIFF held in memory; `name` appears in errors.
    public static func read(bytes: UnsafeRawBufferPointer, name: String = "<memory>", options: Options = Options()) throws(TIFFError)
        -> TIFFImage
    {
        let handle = try TIFFHandle.open(bytes: bytes, name: name)
        return try read(handle, path: nil, options: options)
    }

    // MARK: - Decoding

    /// Reads every page through `handle`; with the file's `path`, pages are decoded by several
    /// workers, each with a handle of its own (``decodePages(_:path:first:pageCount:into:pageBytes:)``).
    private static func read(_ handle: TIFFHandle, path: String?, options: Options) throws(TIFFError) -> TIFFImage {
        defer { handle.close() }
        let file = handle.file
        let pageCount = Int(TIFFNumberOfDirectories(handle.tiff))
        guard pageCount >= 1 else { throw .corrupt(file: file, page: 0, reason: handle.takeError("no image directories")) }
        guard pageCount <= options.maximumPageCount else {
            throw .unsupported(file: file, reason: "\(pageCount) pages exceed the limit of \(options.maximumPageCount)")
        }
        // A broken link after the last readable directory means a truncated or damaged file.
        guard TIFFSetDirectory(handle.tiff, tdir_t(pageCount - 1)) == 1, TIFFLastDirectory(handle.tiff) != 0 else {
            throw .corrupt(
                file: file, page: pageCount, reason: handle.takeError("the directory chain is broken after page \(pageCount - 1)"))
        }
        guard TIFFSetDirectory(handle.tiff, 0) == 1 else {
            throw .corrupt(file: file, page: 0, reason: handle.takeError("cannot read the first directory"))
        }
        try prepareColorModel(handle, page: 0)
        let first = try TIFFPageLayout(handle: handle, page: 0)
        let description = handle.string(TIFFTAG_IMAGEDESCRIPTION)
        let resolution = Self.resolution(handle)

        let pageShape = first.shape
        let stackShape = pageCount == 1 ? pageShape : [pageCount] + pageShape
        let array: NDArray
        do {
            array = try NDArray(zeros: stackShape, dtype: first.dtype, limit: options.maximumByteCount)
        } catch .tooLarge(let n, let limit) {
            throw .tooLarge(file: file, byteCount: n, limit: limit)
        } catch {
            throw .tooLarge(file: file, byteCount: Int.max, limit: options.maximumByteCount)
        }
        try decodePages(
            handle, path: path, first: first, pageCount: pageCount, into: array.storage.baseAddress, pageBytes: array.byteCount / pageCount)

        var result = TIFFImage(
            array: array, description: description, imageJ: description.flatMap(ImageJMetadata.init(description:)), pageCount: pageCount,
            resolution: resolution)
        if options.reshapesImageJHyperstacks, let imageJ = result.imageJ, imageJ.images == pageCount,
            imageJ.frames * imageJ.slices * imageJ.channels == pageCount, pageCount > 1,
            let reshaped = try? array.reshaped(imageJ.leadingShape + pageShape)
        {
            result.array = reshaped
        }
        return result
    }

    /// Decodes pages `0 ..< pageCount` into `base`, `pageBytes` apart: with the file's `path` and
    /// several pages, contiguous runs of pages on one worker per core, each with its own libtiff
    /// handle (a handle is not shared between threads); else one after another through `handle`.
    /// The first failure in page order is thrown.
    private static func decodePages(
        _ handle: TIFFHandle, path: String?, first: TIFFPageLayout, pageCount: Int, into base: UnsafeMutableRawPointer, pageBytes: Int
    ) throws(TIFFError) {
        let workers = path == nil ? 1 : min(ProcessInfo.processInfo.activeProcessorCount, pageCount)
        guard workers > 1, let path else {
            for page in 0..<pageCount { try decodePage(page, handle: handle, first: first, into: base, pageBytes: pageBytes) }
            return
        }
        var failures = [TIFFError?](repeating: nil, count: workers)
        let target = UncheckedSendable(value: base)
        let shared = UncheckedSendable(value: handle)
        failures.withUnsafeMutableBufferPointer { slots in
            let results = UncheckedSendable(value: slots)
            DispatchQueue.concurrentPerform(iterations: workers) { worker in
                let pages = (pageCount * worker / workers)..<(pageCount * (worker + 1) / workers)
                do throws(TIFFError) {
                    let own = worker == 0 ? shared.value : try TIFFHandle.open(path: path, mode: "r")
                    defer { if worker != 0 { own.close() } }
                    for page in pages { try decodePage(page, handle: own, first: first, into: target.value, pageBytes: pageBytes) }
                } catch {
                    results.value[worker] = error
                }
            }
        }
        if let failure = failures.lazy.compactMap({ $0 }).first { throw failure }
    }

    /// Decodes page `page` into `base + page · pageBytes` after checking its layout is `first`'s.
    private static func decodePage(
        _ page: Int, handle: TIFFHandle, first: TIFFPageLayout, into base: UnsafeMutableRawPointer, pageBytes: Int
    ) throws(TIFFError) {
        guard TIFFSetDirectory(handle.tiff, tdir_t(page)) == 1 else {
            throw .corrupt(file: handle.file, page: page, reason: handle.takeError("cannot read the directory"))
        }
        try prepareColorModel(handle, page: page)
        let layout = try TIFFPageLayout(handle: handle, page: page)
        guard layout == first else {
            throw .inconsistentPages(
                file: handle.file, page: page, reason: "shape \(layout.shape) \(layout.dtype) vs \(first.shape) \(first.dtype)")
        }
        try decode(handle, layout: layout, page: page, into: base + page * pageBytes)
    }

    /// The current page's X/YResolution and ResolutionUnit (libtiff returns the rationals as floats).
    static func resolution(_ handle: TIFFHandle) -> (x: Double, y: Double, unit: Int)? {
        var x: Float = 0
        var y: Float = 0
        guard CTIFF_TIFFGetField_float(handle.tiff, UInt32(TIFFTAG_XRESOLUTION), &x) == 1,
            CTIFF_TIFFGetField_float(handle.tiff, UInt32(TIFFTAG_YRESOLUTION), &y) == 1, x > 0, y > 0, x.isFinite, y.isFinite
        else { return nil }
        var unit: UInt16 = 2
        _ = CTIFF_TIFFGetFieldDefaulted_uint16(handle.tiff, UInt32(TIFFTAG_RESOLUTIONUNIT), &unit)
        return (Double(x), Double(y), Int(unit))
    }

    /// Asks libtiff to convert JPEG-compressed YCbCr to RGB; rejects other subsampled YCbCr.
    private static func prepareColorModel(_ handle: TIFFHandle, page: Int) throws(TIFFError) {
        guard let photometric = handle.uint16(TIFFTAG_PHOTOMETRIC, defaulted: false), Int32(photometric) == PHOTOMETRIC_YCBCR else {
            return
        }
        let compression = Int32(handle.uint16(TIFFTAG_COMPRESSION) ?? 1)
        if compression == COMPRESSION_JPEG {
            _ = CTIFF_TIFFSetField_uint32(handle.tiff, UInt32(TIFFTAG_JPEGCOLORMODE), UInt32(JPEGCOLORMODE_RGB))
            return
        }
        var h: UInt16 = 1
        var v: UInt16 = 1
        _ = CTIFF_TIFFGetField_uint16_pair(handle.tiff, UInt32(TIFFTAG_YCBCRSUBSAMPLING), &h, &v)
        if h != 1 || v != 1 { throw .unsupported(file: handle.file, reason: "subsampled YCbCr (\(h)x\(v)) without JPEG") }
    }

    private static func decode(_ handle: TIFFHandle, layout: TIFFPageLayout, page: Int, into destination: UnsafeMutableRawPointer)
        throws(TIFFError)
    {
        if layout.tileSize != nil {
            try decodeTiles(handle, layout: layout, page: page, into: destination)
        } else {
            try decodeStrips(handle, layout: layout, page: page, into: destination)
        }
    }

    private static func decodeStrips(_ handle: TIFFHandle, layout: TIFFPageLayout, page: Int, into destination: UnsafeMutableRawPointer)
        throws(TIFFError)
    {
        let planes = layout.isPlanar ? layout.samplesPerPixel : 1
        let rowBytes = layout.width * (layout.isPlanar ? 1 : layout.samplesPerPixel) * layout.dtype.byteSize
        let stripsPerPlane = (layout.height + layout.rowsPerStrip - 1) / layout.rowsPerStrip
        guard Int(TIFFNumberOfStrips(handle.tiff)) >= planes * stripsPerPlane else {
            throw .corrupt(
                file: handle.file, page: page, reason: "\(TIFFNumberOfStrips(handle.tiff)) strips, expected \(planes * stripsPerPlane)")
        }
        guard Int(TIFFScanlineSize64(handle.tiff)) == rowBytes else {
            throw .unsupported(
                file: handle.file,
                reason: "scanline of \(TIFFScanlineSize64(handle.tiff)) bytes (expected \(rowBytes); subsampled or packed samples)")
        }
        let planeBytes = rowBytes * layout.height
        for plane in 0..<planes {
            for strip in 0..<stripsPerPlane {
                let firstRow = strip * layout.rowsPerStrip
                let rows = min(layout.rowsPerStrip, layout.height - firstRow)
                let size = rows * rowBytes
                let target = destination + plane * planeBytes + firstRow * rowBytes
                let index = UInt32(plane * stripsPerPlane + strip)
                let read = TIFFReadEncodedStrip(handle.tiff, index, target, tmsize_t(size))
                guard read == size else {
                    throw .corrupt(
                        file: handle.file, page: page, reason: handle.takeError("strip \(index) decoded to \(read) of \(size) bytes"))
                }
            }
        }
    }

    private static func decodeTiles(_ handle: TIFFHandle, layout: TIFFPageLayout, page: Int, into destination: UnsafeMutableRawPointer)
        throws(TIFFError)
    {
        guard let (tileWidth, tileHeight) = layout.tileSize else { return }
        let planes = layout.isPlanar ? layout.samplesPerPixel : 1
        let pixelBytes = (layout.isPlanar ? 1 : layout.samplesPerPixel) * layout.dtype.byteSize
        let tileRowBytes = tileWidth * pixelBytes
        let (tileBytes, overflow) = tileRowBytes.multipliedReportingOverflow(by: tileHeight)
        guard !overflow, tileBytes == Int(TIFFTileSize64(handle.tiff)), tileBytes <= TIFFHandle.maximumSingleAllocation else {
            throw .unsupported(file: handle.file, reason: "tiles of \(tileWidth)x\(tileHeight) with \(TIFFTileSize64(handle.tiff)) bytes")
        }
        let scratch = UnsafeMutableRawPointer.allocate(byteCount: tileBytes, alignment: 64)
        defer { scratch.deallocate() }
        let rowBytes = layout.width * pixelBytes
        let planeBytes = rowBytes * layout.height
        for plane in 0..<planes {
            for y in stride(from: 0, to: layout.height, by: tileHeight) {
                for x in stride(from: 0, to: layout.width, by: tileWidth) {
                    let tile = TIFFComputeTile(handle.tiff, UInt32(x), UInt32(y), 0, UInt16(plane))
                    let read = TIFFReadEncodedTile(handle.tiff, tile, scratch, tmsize_t(tileBytes))
                    guard read == tileBytes else {
                        throw .corrupt(
                            file: handle.file, page: page, reason: handle.takeError("tile \(tile) decoded to \(read) of \(tileBytes) bytes")
                        )
                    }
                    let rows = min(tileHeight, layout.height - y)
                    let copyBytes = min(tileWidth, layout.width - x) * pixelBytes
                    for row in 0..<rows {
                        let target = destination + plane * planeBytes + (y + row) * rowBytes + x * pixelBytes
                        target.copyMemory(from: scratch + row * tileRowBytes, byteCount: copyBytes)
                    }
                }
            }
        }
    }
}
