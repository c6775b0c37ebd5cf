import CTIFF

/// What every page of one file shares: the options, the source and its block budget, the first
/// page's description, and the compressors for sub-resolution levels (their own, since the
/// full-resolution workers may still be busy when a page's levels are written).
struct TIFFPageContext {
    let options: TIFFWriter.Options
    let file: String
    /// The array being written, for the levels of pages larger than a block.
    let source: any ArraySource
    /// About the most bytes read at a time.
    let blockBytes: Int
    var dtype: DType { source.dtype }
    /// The ImageDescription of page 0.
    let description: String?
    let levelCompressors: [BlockCompressor]

    private var compressionTag: UInt16 {
        switch options.compression {
        case .none, .blosc: UInt16(COMPRESSION_NONE)
        case .deflate: UInt16(COMPRESSION_ADOBE_DEFLATE)
        case .lzw: UInt16(COMPRESSION_LZW)
        case .zstd: UInt16(COMPRESSION_ZSTD)
        }
    }

    private var sampleFormat: UInt16 {
        if dtype.isFloatingPoint { return UInt16(SAMPLEFORMAT_IEEEFP) }
        return dtype.isSignedInteger ? UInt16(SAMPLEFORMAT_INT) : UInt16(SAMPLEFORMAT_UINT)
    }

    /// Sets the tags of `page` at sub-resolution `level` (0: full resolution) before its units.
    func setTags(handle: TIFFHandle, layout: TIFFUnitLayout, page: Int, level: Int) throws(TIFFError) {
        let tiff = handle.tiff
        var ok = true
        if level > 0 {
            ok = ok && CTIFF_TIFFSetField_uint32(tiff, UInt32(TIFFTAG_SUBFILETYPE), UInt32(FILETYPE_REDUCEDIMAGE)) == 1
        }
        ok = ok && CTIFF_TIFFSetField_uint32(tiff, UInt32(TIFFTAG_IMAGEWIDTH), UInt32(layout.width)) == 1
        ok = ok && CTIFF_TIFFSetField_uint32(tiff, UInt32(TIFFTAG_IMAGELENGTH), UInt32(layout.height)) == 1
        ok = ok && CTIFF_TIFFSetField_uint16(tiff, UInt32(TIFFTAG_BITSPERSAMPLE), UInt16(dtype.byteSize * 8)) == 1
        ok = ok && CTIFF_TIFFSetField_uint16(tiff, UInt32(TIFFTAG_SAMPLESPERPIXEL), 1) == 1
        ok = ok && CTIFF_TIFFSetField_uint16(tiff, UInt32(TIFFTAG_SAMPLEFORMAT), sampleFormat) == 1
        ok = ok && CTIFF_TIFFSetField_uint16(tiff, UInt32(TIFFTAG_PHOTOMETRIC), UInt16(PHOTOMETRIC_MINISBLACK)) == 1
        ok = ok && CTIFF_TIFFSetField_uint16(tiff, UInt32(TIFFTAG_PLANARCONFIG), UInt16(PLANARCONFIG_CONTIG)) == 1
        ok = ok && CTIFF_TIFFSetField_uint16(tiff, UInt32(TIFFTAG_COMPRESSION), compressionTag) == 1
        if let tile = layout.tile {
            ok = ok && CTIFF_TIFFSetField_uint32(tiff, UInt32(TIFFTAG_TILEWIDTH), UInt32(tile.width)) == 1
            ok = ok && CTIFF_TIFFSetField_uint32(tiff, UInt32(TIFFTAG_TILELENGTH), UInt32(tile.height)) == 1
        } else {
            ok = ok && CTIFF_TIFFSetField_uint32(tiff, UInt32(TIFFTAG_ROWSPERSTRIP), UInt32(layout.rowsPerStrip)) == 1
        }
        ok = ok && CTIFF_TIFFSetField_string(tiff, UInt32(TIFFTAG_SOFTWARE), "imjoy-run") == 1
        if let resolution = options.resolution {
            // Pixels per unit, halved at each coarser level; libtiff takes the rationals as doubles.
            let scale = 1 / Double(1 << level)
            ok = ok && CTIFF_TIFFSetField_double(tiff, UInt32(TIFFTAG_XRESOLUTION), resolution.x * scale) == 1
            ok = ok && CTIFF_TIFFSetField_double(tiff, UInt32(TIFFTAG_YRESOLUTION), resolution.y * scale) == 1
            ok = ok && CTIFF_TIFFSetField_uint16(tiff, UInt32(TIFFTAG_RESOLUTIONUNIT), resolution.unit) == 1
        }
        if level == 0, options.subResolutionLevels > 0 {
            ok = ok && CTIFF_TIFFSetField_subIFDCount(tiff, UInt16(options.subResolutionLevels)) == 1
        }
        if page == 0, level == 0, let description {
            ok = ok && CTIFF_TIFFSetField_string(tiff, UInt32(TIFFTAG_IMAGEDESCRIPTION), description) == 1
            for (tag, text) in options.privateASCIITags { ok = ok && CTIFF_setPrivateASCII(tiff, tag, text) == 1 }
        }
        guard ok else {
            let what = level == 0 ? "page \(page)" : "sub-resolution level \(level) of page \(page)"
            throw .writeFailed(file: file, reason: handle.takeError("cannot set the tags of \(what)"))
        }
    }
}

/// Page `page` (in file order) of a source `[pages…, h, w]` as a 2-d source.
struct TIFFPageView: ArraySource {
    let source: any ArraySource
    let page: Int

    var shape: [Int] { Array(source.shape.suffix(2)) }
    var dtype: DType { source.dtype }
    var metadata: ArrayMetadata? { nil }
    var chunkShape: [Int]? { source.chunkShape.map { Array($0.suffix(2)) } }

    func read(origin: [Int], shape box: [Int]) throws -> NDArray {
        try ArraySourceError.check(origin: origin, shape: box, in: shape)
        let leading = ZarrBoxCopy.gridIndex(page, counts: Array(source.shape.dropLast(2)))
        return try source.read(origin: leading + origin, shape: leading.map { _ in 1 } + box).reshaped(box)
    }
}
