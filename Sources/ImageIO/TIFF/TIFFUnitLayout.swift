/// How the pages of a TIFF are cut into the pieces TIFF stores and compresses one at a time
/// ("units"): strips of whole rows, or tiles. A unit is numbered as TIFF numbers strips and tiles:
/// row of units by row of units, left to right.
struct TIFFUnitLayout {
    /// The page's columns and rows.
    let width: Int
    let height: Int
    /// Bytes per pixel (one sample).
    let elementSize: Int
    /// The tile size, or `nil` for strips.
    let tile: TIFFWriter.TileSize?
    /// Rows per strip (strips only).
    let rowsPerStrip: Int

    /// The layout of `width` × `height` pages written with `options`: its tiles, or strips of
    /// ``TIFFWriter/Options/rowsPerStrip`` rows (by default about 256 KiB when compressing,
    /// whole pages up to 64 MiB otherwise).
    init(width: Int, height: Int, elementSize: Int, options: TIFFWriter.Options) {
        self.width = width
        self.height = height
        self.elementSize = elementSize
        tile = options.tile
        let target = options.compression == .none ? 64 << 20 : 256 << 10
        rowsPerStrip = min(max(options.rowsPerStrip ?? (target / max(width * elementSize, 1)), 1), height)
    }

    /// The bytes of one row of the page.
    var rowBytes: Int { width * elementSize }
    /// The rows of one unit (the last strip of a page may have fewer).
    var unitHeight: Int { tile?.height ?? rowsPerStrip }
    /// The columns of one unit.
    var unitWidth: Int { tile?.width ?? width }
    /// Units side by side in one row of units.
    var unitsAcross: Int { (width + unitWidth - 1) / unitWidth }
    /// Rows of units in a page.
    var unitRows: Int { (height + unitHeight - 1) / unitHeight }
    /// The bytes of a full unit (every tile has this size: edge tiles are padded).
    var unitBytes: Int { unitHeight * unitWidth * elementSize }
    /// Whether units are gathered from several rows of the page (tiles) rather than read in place.
    var isTiled: Bool { tile != nil }
}
