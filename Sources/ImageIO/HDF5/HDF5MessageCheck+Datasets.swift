/// Fill value, layout and filter pipeline messages of datasets.
extension HDF5StructureCheck {
    // MARK: - Datasets

    /// Fill value message (0x05), versions 1–3.
    func checkFillValue(_ body: inout HDF5Cursor, datatype: CheckedType?) throws(HDF5FormatProblem) {
        let version = try body.u8("fill value version")
        var hasValue: Bool
        switch version {
        case 1, 2:
            guard try body.u8("allocation time") <= 3, try body.u8("fill write time") <= 2 else { throw .corrupt("fill value times") }
            let defined = try body.u8("fill value defined")
            guard defined <= 2 else { throw .corrupt("fill value defined \(defined)") }
            hasValue = defined != 0  // libhdf5 reads the size only then, even in version 1
        case 3:
            let flags = try body.u8("fill value flags")
            guard flags & 0xC0 == 0, flags & 0x0C != 0x0C else { throw .corrupt("fill value flags \(flags)") }
            hasValue = flags & 0x20 != 0
        default:
            throw .unsupported("fill value message version \(version)")
        }
        guard hasValue else { return }
        let size = try body.u32("fill value size")
        try body.skip(Int(size), "fill value")
        if let datatype, size != 0, Int(size) != datatype.size {
            throw .corrupt("\(size)-byte fill value for a \(datatype.size)-byte type")
        }
    }

    /// Data layout message (0x08), versions 1–4: compact, contiguous and chunked; chunk dimensions
    /// must match the dataspace rank plus the element size (HDF5 always writes them so). Returns
    /// the number of elements per chunk (`nil` when not chunked).
    func checkLayout(_ body: inout HDF5Cursor, datatype: CheckedType?, extent: [UInt64]?) throws(HDF5FormatProblem) -> UInt64? {
        let version = try body.u8("layout version")
        guard let datatype, let extent else { throw .corrupt("a layout without a datatype and dataspace") }
        guard let points = elementCount(extent) else { throw .corrupt("dataspace \(extent) overflows") }
        let (bytes, overflow) = points.multipliedReportingOverflow(by: UInt64(datatype.size))
        guard !overflow else { throw .corrupt("dataspace \(extent) overflows") }
        let layout: (layoutClass: UInt8, chunkDims: [UInt64])
        switch version {
        case 1, 2: layout = try checkOldLayout(&body, bytes: bytes)
        case 3, 4: layout = try checkNewLayout(&body, version: version, bytes: bytes)
        default: throw .unsupported("layout message version \(version)")
        }
        guard layout.layoutClass == 2 else { return nil }
        return try chunkElements(layout.chunkDims, extent: extent, elementSize: datatype.size)
    }

    /// Layout versions 1 and 2: the class and the chunk dimensions (with the element size last).
    private func checkOldLayout(_ body: inout HDF5Cursor, bytes: UInt64) throws(HDF5FormatProblem) -> (UInt8, [UInt64]) {
        let dimensionality = Int(try body.u8("dimensionality"))
        let layoutClass = try body.u8("layout class")
        try body.skip(5, "layout reserved bytes")
        guard dimensionality >= 1, dimensionality <= 33 else { throw .corrupt("layout of \(dimensionality) dimensions") }
        if layoutClass != 0 { _ = try body.uint(offsetSize, "data address") }
        var chunkDims: [UInt64] = []
        for _ in 0..<dimensionality { chunkDims.append(UInt64(try body.u32("layout dimension"))) }
        switch layoutClass {
        case 0:
            let size = try body.u32("compact data size")
            guard UInt64(size) == bytes else { throw .corrupt("compact data of \(size) bytes for \(bytes)") }
            try body.skip(Int(size), "compact data")
            return (layoutClass, [])
        case 1: return (layoutClass, [])
        case 2:
            _ = try body.u32("dataset element size")
            return (layoutClass, chunkDims)
        default: throw .corrupt("layout class \(layoutClass)")
        }
    }

    /// Layout versions 3 and 4: the class and the chunk dimensions (with the element size last).
    private func checkNewLayout(_ body: inout HDF5Cursor, version: UInt8, bytes: UInt64) throws(HDF5FormatProblem) -> (UInt8, [UInt64]) {
        let layoutClass = try body.u8("layout class")
        var chunkDims: [UInt64] = []
        switch layoutClass {
        case 0:
            let size = try body.u16("compact data size")
            guard UInt64(size) == bytes else { throw .corrupt("compact data of \(size) bytes for \(bytes)") }
            try body.skip(Int(size), "compact data")
        case 1:
            let address = try body.uint(offsetSize, "data address")
            let size = try body.uint(lengthSize, "data size")
            guard size >= bytes else { throw .corrupt("contiguous data of \(size) bytes for \(bytes)") }
            if !isUndefined(address) { _ = try absolute(address, count: bytes, "contiguous data") }
        case 2 where version == 3:
            let dimensionality = Int(try body.u8("dimensionality"))
            guard dimensionality >= 1, dimensionality <= 33 else { throw .corrupt("layout of \(dimensionality) dimensions") }
            _ = try body.uint(offsetSize, "chunk index address")
            for _ in 0..<dimensionality { chunkDims.append(UInt64(try body.u32("chunk dimension"))) }
        case 2:
            let flags = try body.u8("chunked layout flags")
            guard flags & ~0x03 == 0 else { throw .corrupt("chunked layout flags \(flags)") }
            let dimensionality = Int(try body.u8("dimensionality"))
            let width = Int(try body.u8("chunk dimension width"))
            guard dimensionality >= 1, dimensionality <= 33, (1...8).contains(width) else {
                throw .corrupt("layout of \(dimensionality) dimensions of \(width) bytes")
            }
            for _ in 0..<dimensionality { chunkDims.append(try body.uint(width, "chunk dimension")) }
            try checkChunkIndex(&body, flags: flags)
            _ = try body.uint(offsetSize, "chunk index address")
        default:
            throw .unsupported(layoutClass == 3 ? "virtual datasets" : "layout class \(layoutClass)")
        }
        return (layoutClass, chunkDims)
    }

    /// A version-4 chunked layout's index type and its parameters.
    private func checkChunkIndex(_ body: inout HDF5Cursor, flags: UInt8) throws(HDF5FormatProblem) {
        let index = try body.u8("chunk index type")
        switch index {
        case 1:
            if flags & 0x02 != 0 {
                _ = try body.uint(lengthSize, "filtered chunk size")
                _ = try body.u32("filter mask")
            }
        case 2: break
        case 3: guard try body.u8("fixed array page bits") > 0 else { throw .corrupt("fixed array page bits") }
        case 4:
            // Maximum bits, index block elements, minimum pointers, minimum elements, page bits.
            let maxBits = try body.u8("extensible array maximum bits")
            let indexElements = try body.u8("index block elements")
            let pointers = try body.u8("minimum data block pointers")
            let elements = try body.u8("minimum data block elements")
            let pageBits = try body.u8("data block page bits")
            guard (1...64).contains(maxBits), indexElements > 0, pointers > 0, pointers & (pointers - 1) == 0,
                elements > 0, elements & (elements - 1) == 0, pageBits > 0, pageBits <= maxBits
            else { throw .corrupt("extensible array parameters \([maxBits, indexElements, pointers, elements, pageBits])") }
        case 5:
            let nodeSize = try body.u32("B-tree node size")
            let split = try body.u8("split percent")
            let merge = try body.u8("merge percent")
            guard nodeSize >= 64, (1...100).contains(split), (1...100).contains(merge), merge < split else {
                throw .corrupt("version-2 B-tree parameters \(nodeSize) \(split) \(merge)")
            }
        default: throw .corrupt("chunk index type \(index)")
        }
    }

    /// The elements per chunk of a chunked layout, after checking its dimensions against the
    /// dataset's rank and element size.
    private func chunkElements(_ chunkDims: [UInt64], extent: [UInt64], elementSize: Int) throws(HDF5FormatProblem) -> UInt64 {
        guard chunkDims.count == extent.count + 1 else {
            throw .corrupt("\(chunkDims.count - 1)-d chunks for a \(extent.count)-d dataset")
        }
        guard chunkDims.last == UInt64(elementSize) else {
            throw .corrupt("chunk element size \(chunkDims.last ?? 0) for a \(elementSize)-byte type")
        }
        guard chunkDims.allSatisfy({ $0 > 0 }) else { throw .corrupt("chunk shape \(chunkDims.dropLast())") }
        guard let elements = elementCount(Array(chunkDims.dropLast())), elements < 1 << 32 else {
            throw .corrupt("chunk shape \(chunkDims.dropLast()) overflows")
        }
        return elements
    }

    /// Filter pipeline message (0x0B), versions 1 and 2: names NUL-terminated inside their field
    /// (libhdf5 strlen()s them), client data inside the message; deflate, shuffle, fletcher32,
    /// scale-offset with parameters that match the datatype and chunk size (the filter trusts
    /// them when it sizes its output), and plugin filters (libhdf5 refuses to read without the
    /// plugin). n-bit and szip are refused. The compressed chunk bytes themselves are decoded by
    /// zlib / libhdf5, not checked here.
    func checkFilters(_ body: inout HDF5Cursor, datatype: CheckedType?, chunkElements: UInt64?) throws(HDF5FormatProblem) {
        let version = try body.u8("filter pipeline version")
        let count = Int(try body.u8("filter count"))
        guard count <= 32 else { throw .corrupt("\(count) filters") }
        switch version {
        case 1: try body.skip(6, "filter pipeline reserved bytes")
        case 2: break
        default: throw .unsupported("filter pipeline message version \(version)")
        }
        for index in 0..<count {
            let id = try body.u16("filter id")
            var nameLength = 0
            if version == 1 || id >= 256 { nameLength = Int(try body.u16("filter name length")) }
            _ = try body.u16("filter flags")
            let values = Int(try body.u16("filter client data count"))
            if nameLength > 0 {
                if version == 1, nameLength % 8 != 0 { throw .corrupt("filter name length \(nameLength)") }
                let name = try body.sub(nameLength, "filter name")
                guard name.peek(nameLength).contains(0) else { throw .corrupt("filter \(index) name not NUL-terminated") }
            }
            var data = try body.sub(4 * values, "filter client data")
            if version == 1, values % 2 == 1 { try body.skip(4, "filter client data padding") }
            switch id {
            case 1: guard values <= 1 else { throw .corrupt("deflate with \(values) parameters") }
            case 2:
                guard values == 1, let datatype, try data.u32("shuffle element size") == UInt32(datatype.size) else {
                    throw .corrupt("shuffle parameters do not match the datatype")
                }
            case 3: guard values == 0 else { throw .corrupt("fletcher32 with \(values) parameters") }
            case 4, 5: throw .unsupported(id == 4 ? "szip filter" : "n-bit filter")
            case 6:
                // H5Zscaleoffset.c: 20 parameters; scale type, factor, elements per chunk, class
                // (0 integer, 1 float), element size, sign, byte order, fill value.
                guard values == 20, let datatype, let chunkElements else { throw .corrupt("scale-offset with \(values) parameters") }
                var parameters: [UInt32] = []
                for _ in 0..<values { parameters.append(try data.u32("scale-offset parameter")) }
                let expectedClass: UInt32 = datatype.typeClass == 1 ? 1 : 0
                guard parameters[0] <= 2, UInt64(parameters[2]) == chunkElements, parameters[3] == expectedClass,
                    datatype.typeClass <= 1, parameters[4] == UInt32(datatype.size), parameters[5] <= 1, parameters[6] <= 1
                else { throw .corrupt("scale-offset parameters \(parameters.prefix(7)) do not match the dataset") }
            case 256...: break
            default: throw .unsupported("filter \(id)")
            }
        }
    }
}
