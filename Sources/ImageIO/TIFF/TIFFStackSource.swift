import CTIFF
import Foundation
import Synchronization

/// A TIFF stack as an ``ArraySource``: opening reads the directories' tags only; a box decodes
/// only the pages it covers, and in each page only the strips (or tiles) holding its rows.
///
/// The shape is what ``TIFFReader`` returns — `[pages, h, w]` (ImageJ hyperstacks
/// `[frames, slices, channels, h, w]`), chunky samples adding `[…, s]` — with the same metadata.
/// Pages with planar (separate) samples are refused. libtiff's handle is used by one read at a time.
public final class TIFFStackSource: ArraySource {
    public let shape: [Int]
    public let dtype: DType
    public let metadata: ArrayMetadata?
    /// The first page's ImageDescription.
    public let description: String?
    private let layout: TIFFPageLayout
    private let leadingShape: [Int]
    private let handle: Mutex<TIFFHandleBox>

    /// Opens `url` and checks that every page has the first page's layout.
    ///
    /// - Throws: ``TIFFError`` as ``TIFFReader`` does.
    public init(url: URL, maximumPageCount: Int = 1 << 20) throws(TIFFError) {
        // "m": no memory-mapping: mapped pages of a large file would count as resident memory.
        let handle = try TIFFHandle.open(path: url.path, mode: "rm")
        let file = handle.file
        let pageCount = Int(TIFFNumberOfDirectories(handle.tiff))
        guard pageCount >= 1 else { throw .corrupt(file: file, page: 0, reason: handle.takeError("no image directories")) }
        guard pageCount <= maximumPageCount else {
            throw .unsupported(file: file, reason: "\(pageCount) pages exceed the limit of \(maximumPageCount)")
        }
        var first: TIFFPageLayout? = nil
        for page in 0..<pageCount {
            guard TIFFSetDirectory(handle.tiff, tdir_t(page)) == 1 else {
                throw .corrupt(file: file, page: page, reason: handle.takeError("cannot read the directory"))
            }
            let layout = try TIFFPageLayout(handle: handle, page: page)
            if let first, layout != first {
                throw .inconsistentPages(
                    file: file, page: page, reason: "shape \(layout.shape) \(layout.dtype) vs \(first.shape) \(first.dtype)")
            }
            if first == nil { first = layout }
        }
        guard let layout = first else { throw .corrupt(file: file, page: 0, reason: "no pages") }
        guard !layout.isPlanar || layout.samplesPerPixel == 1 else {
            throw .unsupported(file: file, reason: "streamed reads of pages with separate (planar) samples")
        }
        if let photometric = handle.uint16(TIFFTAG_PHOTOMETRIC, defaulted: false), Int32(photometric) == PHOTOMETRIC_YCBCR {
            throw .unsupported(file: file, reason: "streamed reads of YCbCr pages")
        }
        _ = TIFFSetDirectory(handle.tiff, 0)
        description = handle.string(TIFFTAG_IMAGEDESCRIPTION)
        let imageJ = description.flatMap(ImageJMetadata.init(description:))
        var leading = pageCount == 1 ? [] : [pageCount]
        if let imageJ, pageCount > 1, imageJ.images == pageCount, imageJ.frames * imageJ.slices * imageJ.channels == pageCount {
            leading = imageJ.leadingShape
        }
        self.layout = layout
        leadingShape = leading
        shape = leading + layout.shape
        dtype = layout.dtype
        let probe = try? NDArray(zeros: (leading + layout.shape).map { _ in 1 }, dtype: layout.dtype)
        let text = description
        let resolution = TIFFReader.resolution(handle)
        metadata = probe.flatMap { probe in
            TIFFFormat.metadata(
                of: TIFFImage(array: probe, description: text, imageJ: imageJ, pageCount: pageCount, resolution: resolution))
        }
        self.handle = Mutex(TIFFHandleBox(handle))
    }

    /// One page's strip or tile (of whole-width strips, all samples).
    public var chunkShape: [Int]? {
        let (width, height) = layout.tileSize ?? (layout.width, layout.rowsPerStrip)
        return leadingShape.map { _ in 1 } + [height, width] + (layout.samplesPerPixel > 1 ? [layout.samplesPerPixel] : [])
    }

    public func read(origin: [Int], shape box: [Int]) throws -> NDArray {
        try ArraySourceError.check(origin: origin, shape: box, in: shape)
        let output = try NDArray(zeros: box, dtype: dtype, limit: .max)
        guard output.count > 0 else { return output }
        let lead = leadingShape.count
        let pageBox = Array(box[lead...])
        let pageOrigin = Array(origin[lead...])
        let pages = Array(box[..<lead]).reduce(1, *)
        let pageBytes = pageBox.reduce(dtype.byteSize, *)
        try handle.withLock { (boxed: inout TIFFHandleBox) throws in
            for local in 0..<pages {
                let position = zip(ZarrBoxCopy.gridIndex(local, counts: Array(box[..<lead])), origin[..<lead]).map { $0 + $1 }
                var page = 0
                for (index, extent) in zip(position, leadingShape) { page = page * extent + index }
                try readPage(
                    page, rows: pageOrigin[0]..<(pageOrigin[0] + pageBox[0]), columns: pageOrigin[1]..<(pageOrigin[1] + pageBox[1]),
                    handle: boxed.handle, into: output.storage.baseAddress + local * pageBytes)
            }
        }
        return output
    }

    /// Decodes `rows` × `columns` of page `page` into `destination` (rows of `columns.count` pixels).
    private func readPage(
        _ page: Int, rows: Range<Int>, columns: Range<Int>, handle: TIFFHandle, into destination: UnsafeMutableRawPointer
    ) throws(TIFFError) {
        guard TIFFSetDirectory(handle.tiff, tdir_t(page)) == 1 else {
            throw .corrupt(file: handle.file, page: page, reason: handle.takeError("cannot read the directory"))
        }
        let current = try TIFFPageLayout(handle: handle, page: page)
        let pixelBytes = layout.samplesPerPixel * dtype.byteSize
        let (unitWidth, unitHeight) = current.tileSize ?? (current.width, current.rowsPerStrip)
        let unitBytes = current.tileSize == nil ? Int(TIFFStripSize64(handle.tiff)) : Int(TIFFTileSize64(handle.tiff))
        guard unitBytes == unitWidth * unitHeight * pixelBytes, unitBytes <= TIFFHandle.maximumSingleAllocation else {
            throw .unsupported(file: handle.file, reason: "strips or tiles of \(unitBytes) bytes for \(unitWidth)x\(unitHeight) pixels")
        }
        let scratch = UnsafeMutableRawPointer.allocate(byteCount: max(unitBytes, 1), alignment: 64)
        defer { scratch.deallocate() }
        let outRow = columns.count * pixelBytes
        for y in stride(from: rows.lowerBound / unitHeight * unitHeight, to: rows.upperBound, by: unitHeight) {
            for x in stride(from: columns.lowerBound / unitWidth * unitWidth, to: columns.upperBound, by: unitWidth) {
                let unitRows = min(unitHeight, current.height - y)
                let size = current.tileSize == nil ? unitRows * unitWidth * pixelBytes : unitBytes
                let read =
                    current.tileSize == nil
                    ? TIFFReadEncodedStrip(handle.tiff, UInt32(y / unitHeight), scratch, tmsize_t(size))
                    : TIFFReadEncodedTile(handle.tiff, TIFFComputeTile(handle.tiff, UInt32(x), UInt32(y), 0, 0), scratch, tmsize_t(size))
                guard read == size else {
                    throw .corrupt(
                        file: handle.file, page: page, reason: handle.takeError("a strip or tile decoded to \(read) of \(size) bytes"))
                }
                let copyColumns = max(x, columns.lowerBound)..<min(x + unitWidth, columns.upperBound)
                for row in max(y, rows.lowerBound)..<min(y + unitRows, rows.upperBound) {
                    let source = scratch + ((row - y) * unitWidth + copyColumns.lowerBound - x) * pixelBytes
                    let target = destination + (row - rows.lowerBound) * outRow + (copyColumns.lowerBound - columns.lowerBound) * pixelBytes
                    target.copyMemory(from: source, byteCount: copyColumns.count * pixelBytes)
                }
            }
        }
    }
}

/// A ``TIFFHandle`` kept inside a `Mutex` (used by one thread at a time).
struct TIFFHandleBox: @unchecked Sendable {
    let handle: TIFFHandle
    init(_ handle: TIFFHandle) { self.handle = handle }
}
