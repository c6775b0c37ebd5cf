import CTIFF
import Foundation

/// Writes the units (strips or tiles) of one block of pages to an open TIFF: whole pages, or a
/// band of rows of one page, a band starting at a row of units. A page's tags are set before its
/// first unit, its directory written after its last, and then its sub-resolution levels.
///
/// Deflate and zstd units are compressed on the workers' ``BlockCompressor``s while earlier units
/// are written (``compressInOrder(count:compressors:maxBlockBytes:scratchBytes:block:consume:)``)
/// and stored with `TIFFWriteRaw…`; uncompressed units are stored as they are, LZW through
/// libtiff's own encoder.
struct TIFFBlockWriter {
    /// The block: `[pages…, rows, width]`.
    let block: NDArray
    /// The page row the block starts at (a multiple of the unit height).
    let firstRow: Int
    /// The number in the file of the block's first page.
    let firstPage: Int
    let layout: TIFFUnitLayout
    let context: TIFFPageContext
    /// The sub-resolution level this block is (0: the full-resolution page).
    var level = 0

    private var rows: Int { block.shape[block.rank - 2] }
    /// The pages in the block.
    var pageCount: Int { block.shape.dropLast(2).reduce(1, *) }
    private var bandUnitRows: Int { (rows + layout.unitHeight - 1) / layout.unitHeight }
    /// The units in the block.
    var unitCount: Int { pageCount * bandUnitRows * layout.unitsAcross }

    /// The page in the block, the row of units in the page and the column of unit `index`.
    private func position(_ index: Int) -> (page: Int, row: Int, column: Int) {
        let perPage = bandUnitRows * layout.unitsAcross
        let inPage = index % perPage
        return (index / perPage, firstRow / layout.unitHeight + inPage / layout.unitsAcross, inPage % layout.unitsAcross)
    }

    /// The bytes of unit `index`: a strip is a run of whole rows of the block, read in place; a
    /// tile is gathered into `scratch` (``TIFFUnitLayout/unitBytes``), its part outside the page
    /// zero, as TIFF stores whole tiles.
    func bytes(_ index: Int, scratch: UnsafeMutableRawBufferPointer) -> UnsafeRawBufferPointer {
        let (page, row, column) = position(index)
        let pageStart = UnsafeRawPointer(block.storage.baseAddress) + page * rows * layout.rowBytes
        let bandRow = row * layout.unitHeight - firstRow
        let unitRows = min(layout.unitHeight, rows - bandRow)
        guard layout.isTiled, let target = scratch.baseAddress else {
            return UnsafeRawBufferPointer(start: pageStart + bandRow * layout.rowBytes, count: unitRows * layout.rowBytes)
        }
        let tileRowBytes = layout.unitWidth * layout.elementSize
        let x = column * layout.unitWidth
        let copyBytes = min(layout.unitWidth, layout.width - x) * layout.elementSize
        if unitRows < layout.unitHeight || copyBytes < tileRowBytes { scratch.initializeMemory(as: UInt8.self, repeating: 0) }
        for row in 0..<unitRows {
            let source = pageStart + (bandRow + row) * layout.rowBytes + x * layout.elementSize
            (target + row * tileRowBytes).copyMemory(from: source, byteCount: copyBytes)
        }
        return UnsafeRawBufferPointer(start: target, count: layout.unitBytes)
    }

    /// Writes every unit of the block: compressed on `compressors` (deflate, zstd), else one by one.
    func write(handle: TIFFHandle, compressors: [BlockCompressor]) throws(TIFFError) {
        if compressors.isEmpty {
            let scratch = UnsafeMutableRawBufferPointer.allocate(byteCount: layout.isTiled ? layout.unitBytes : 0, alignment: 64)
            defer { scratch.deallocate() }
            for index in 0..<unitCount {
                try store(index, bytes: bytes(index, scratch: scratch), encoded: context.options.compression != .none, handle: handle)
            }
            return
        }
        try compressInOrder(
            count: unitCount, compressors: compressors, maxBlockBytes: layout.unitBytes,
            scratchBytes: layout.isTiled ? layout.unitBytes : 0, block: { bytes($0, scratch: $1) }
        ) { (index, compressed) throws(TIFFError) in
            guard let compressed else {
                throw .writeFailed(file: context.file, reason: "compressing \(describe(index)) failed")
            }
            try store(index, bytes: compressed, encoded: false, handle: handle)
        }
    }

    /// Stores unit `index` (raw bytes, or bytes libtiff encodes), with the page's tags before its
    /// first unit and its directory after its last.
    private func store(_ index: Int, bytes: UnsafeRawBufferPointer, encoded: Bool, handle: TIFFHandle) throws(TIFFError) {
        let (page, row, column) = position(index)
        if row == 0, column == 0 {
            try context.setTags(handle: handle, layout: layout, page: firstPage + page, level: level)
        }
        let tiff = handle.tiff
        let unit = UInt32(row * layout.unitsAcross + column)
        let data = UnsafeMutableRawPointer(mutating: bytes.baseAddress)
        let size = tmsize_t(bytes.count)
        // libtiff's encoders modify nothing without a predictor, but take a mutable pointer.
        let written: tmsize_t =
            switch (layout.isTiled, encoded) {
            case (false, false): TIFFWriteRawStrip(tiff, unit, data, size)
            case (false, true): TIFFWriteEncodedStrip(tiff, unit, data, size)
            case (true, false): TIFFWriteRawTile(tiff, unit, data, size)
            case (true, true): TIFFWriteEncodedTile(tiff, unit, data, size)
            }
        guard encoded ? written >= 0 : written == size else {
            throw .writeFailed(file: context.file, reason: handle.takeError(describe(index)))
        }
        if row == layout.unitRows - 1, column == layout.unitsAcross - 1 {
            guard TIFFWriteDirectory(tiff) == 1 else {
                throw .writeFailed(file: context.file, reason: handle.takeError("cannot write the directory of \(describe(page: page))"))
            }
            if level == 0, context.options.subResolutionLevels > 0 { try writeLevels(ofPage: page, handle: handle) }
        }
    }

    /// Writes the sub-resolution levels of `page` as the SubIFDs its directory announced, each
    /// the 2×2 mean of the one above (``OMEZarrPyramid``): made in memory from the page when the
    /// block holds all of it, else streamed in bands from the file's source (``DownsampledSource``
    /// over ``TIFFPageView``), each level re-reading the page.
    private func writeLevels(ofPage page: Int, handle: TIFFHandle) throws(TIFFError) {
        let number = firstPage + page
        do {
            let wholePage = firstRow == 0 && rows == layout.height
            var current: any ArraySource =
                wholePage
                ? try block.reshaped([pageCount, layout.height, layout.width]).read(
                    origin: [page, 0, 0], shape: [1, layout.height, layout.width]
                ).reshaped([layout.height, layout.width])
                : TIFFPageView(source: context.source, page: number)
            for level in 1...context.options.subResolutionLevels {
                current = DownsampledSource(base: current, axes: [0, 1], method: .mean)
                if wholePage { current = try current.read(origin: [0, 0], shape: current.shape) }
                try TIFFBlockWriter.writeLevel(level, of: number, source: current, handle: handle, context: context)
            }
        } catch let error as TIFFError {
            throw error
        } catch {
            throw .writeFailed(file: context.file, reason: "making the sub-resolution levels of page \(number): \(error)")
        }
    }

    /// Writes sub-resolution level `level` of page `page` from `source` (`[h, w]`), in bands
    /// whose reads of the full-resolution page (4^level times the band) stay near the block bytes.
    private static func writeLevel(_ level: Int, of page: Int, source: any ArraySource, handle: TIFFHandle, context: TIFFPageContext)
        throws
    {
        let (height, width) = (source.shape[0], source.shape[1])
        let elementSize = source.dtype.byteSize
        let layout = TIFFUnitLayout(width: width, height: height, elementSize: elementSize, options: context.options)
        let budget = max(1, context.blockBytes >> min(2 * level, 62))
        let grid = BlockGrid(shape: [height, width], unit: [layout.unitHeight, width], elementSize: elementSize, budget: budget)
        for index in 0..<grid.count {
            let (origin, extent) = grid.block(index)
            var writer = TIFFBlockWriter(
                block: try source.read(origin: origin, shape: extent), firstRow: origin[0], firstPage: page, layout: layout,
                context: context)
            writer.level = level
            try writer.write(handle: handle, compressors: context.levelCompressors)
        }
    }

    private func describe(page: Int) -> String {
        level == 0 ? "page \(firstPage + page)" : "sub-resolution level \(level) of page \(firstPage + page)"
    }

    private func describe(_ index: Int) -> String {
        let (page, row, column) = position(index)
        let unit = row * layout.unitsAcross + column
        return "\(layout.isTiled ? "tile" : "strip") \(unit) of \(describe(page: page))"
    }
}
