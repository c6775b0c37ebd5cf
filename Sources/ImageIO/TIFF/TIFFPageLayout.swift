import CTIFF

/// The geometry and sample type of one TIFF page (directory), as ImageIO reads it.
struct TIFFPageLayout: Equatable {
    var width: Int
    var height: Int
    var samplesPerPixel: Int
    var dtype: DType
    var isPlanar: Bool
    var tileSize: (width: Int, height: Int)?
    var rowsPerStrip: Int

    /// The shape of the page as an array: `[h, w]`, `[h, w, s]` (chunky) or `[s, h, w]` (planar),
    /// the shapes tifffile returns.
    var shape: [Int] {
        if samplesPerPixel == 1 { return [height, width] }
        return isPlanar ? [samplesPerPixel, height, width] : [height, width, samplesPerPixel]
    }

    static func == (lhs: TIFFPageLayout, rhs: TIFFPageLayout) -> Bool {
        lhs.width == rhs.width && lhs.height == rhs.height && lhs.samplesPerPixel == rhs.samplesPerPixel
            && lhs.dtype == rhs.dtype && lhs.isPlanar == rhs.isPlanar
    }

    /// Reads the current directory's layout.
    init(handle: TIFFHandle, page: Int) throws(TIFFError) {
        let file = handle.file
        guard let width = handle.uint32(TIFFTAG_IMAGEWIDTH, defaulted: false),
            let height = handle.uint32(TIFFTAG_IMAGELENGTH, defaulted: false), width > 0, height > 0
        else { throw .corrupt(file: file, page: page, reason: "missing or zero image width/length") }
        self.width = Int(width)
        self.height = Int(height)
        let bits = Int(handle.uint16(TIFFTAG_BITSPERSAMPLE) ?? 1)
        let format = Int32(handle.uint16(TIFFTAG_SAMPLEFORMAT) ?? UInt16(SAMPLEFORMAT_UINT))
        samplesPerPixel = Int(handle.uint16(TIFFTAG_SAMPLESPERPIXEL) ?? 1)
        guard samplesPerPixel >= 1 else { throw .corrupt(file: file, page: page, reason: "zero samples per pixel") }
        if let depth = handle.uint32(TIFFTAG_IMAGEDEPTH), depth > 1 {
            throw .unsupported(file: file, reason: "volumetric (ImageDepth \(depth)) pages")
        }
        guard bits % 8 == 0,
            let dtype = DType.make(
                floatingPoint: format == SAMPLEFORMAT_IEEEFP, signed: format == SAMPLEFORMAT_INT, byteSize: bits / 8)
        else { throw .unsupported(file: file, reason: "\(bits)-bit samples with sample format \(format)") }
        guard [SAMPLEFORMAT_UINT, SAMPLEFORMAT_INT, SAMPLEFORMAT_IEEEFP, SAMPLEFORMAT_VOID].contains(format) else {
            throw .unsupported(file: file, reason: "sample format \(format)")
        }
        self.dtype = dtype
        isPlanar = handle.uint16(TIFFTAG_PLANARCONFIG).map { Int32($0) == PLANARCONFIG_SEPARATE } ?? false
        if TIFFIsTiled(handle.tiff) != 0 {
            guard let tw = handle.uint32(TIFFTAG_TILEWIDTH), let th = handle.uint32(TIFFTAG_TILELENGTH), tw > 0, th > 0 else {
                throw .corrupt(file: file, page: page, reason: "tiled page without tile size")
            }
            tileSize = (Int(tw), Int(th))
        } else {
            tileSize = nil
        }
        let rows = Int(handle.uint32(TIFFTAG_ROWSPERSTRIP) ?? UInt32.max)
        rowsPerStrip = min(max(rows, 1), self.height)
    }
}
