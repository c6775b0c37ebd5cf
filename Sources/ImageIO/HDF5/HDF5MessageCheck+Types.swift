/// Datatype and dataspace messages (see HDF5MessageCheck.swift for the allowlist).
extension HDF5StructureCheck {
    // MARK: - Datatype

    /// A datatype that passed the check.
    struct CheckedType {
        var typeClass: Int
        var size: Int
    }

    enum TypeUse { case dataset, attribute, enumBase, stringBase }

    /// Datatype message (0x03): fixed-point, floating-point, enum over fixed-point (h5py's bool),
    /// fixed-length strings, and variable-length strings in attributes.
    func checkDatatype(_ body: inout HDF5Cursor, use: TypeUse, depth: Int = 0) throws(HDF5FormatProblem) -> CheckedType {
        let classAndVersion = try body.u8("datatype class")
        let typeClass = Int(classAndVersion & 0x0F)
        let version = Int(classAndVersion >> 4)
        guard (1...3).contains(version) else { throw .unsupported("datatype version \(version)") }
        let bits0 = try body.u8("datatype bits")
        let bits1 = try body.u8("datatype bits")
        let bits2 = try body.u8("datatype bits")
        let size = Int(try body.u32("datatype size"))
        switch typeClass {
        case 0:  // fixed-point: byte order, padding, sign; bit offset and precision.
            guard bits0 & 0xF0 == 0, bits1 == 0, bits2 == 0 else { throw .corrupt("integer type bits \(bits0) \(bits1) \(bits2)") }
            guard [1, 2, 4, 8].contains(size) else { throw .unsupported("\(size)-byte integers") }
            let offset = Int(try body.u16("bit offset"))
            let precision = Int(try body.u16("precision"))
            guard precision > 0, offset + precision <= 8 * size else {
                throw .corrupt("integer of \(precision) bits at bit \(offset) in \(size) bytes")
            }
        case 1:  // floating-point
            guard use != .enumBase, use != .stringBase else { throw .unsupported("float base type") }
            guard bits0 & 0x40 == 0 else { throw .unsupported("VAX byte order") }
            guard bits0 & 0x30 != 0x30, bits2 == 0 else { throw .corrupt("float type bits \(bits0) \(bits1) \(bits2)") }
            guard [2, 4, 8].contains(size) else { throw .unsupported("\(size)-byte floats") }
            let offset = Int(try body.u16("bit offset"))
            let precision = Int(try body.u16("precision"))
            let exponentAt = Int(try body.u8("exponent location"))
            let exponentBits = Int(try body.u8("exponent size"))
            let mantissaAt = Int(try body.u8("mantissa location"))
            let mantissaBits = Int(try body.u8("mantissa size"))
            _ = try body.u32("exponent bias")
            let sign = Int(bits1)
            let range = offset..<(offset + precision)
            guard precision > 0, offset + precision <= 8 * size, exponentBits > 0, exponentBits <= 32, mantissaBits > 0,
                exponentAt >= range.lowerBound, exponentAt + exponentBits <= range.upperBound,
                mantissaAt >= range.lowerBound, mantissaAt + mantissaBits <= range.upperBound,
                mantissaAt + mantissaBits <= exponentAt, range.contains(sign), sign >= exponentAt + exponentBits
            else {
                throw .corrupt(
                    "float fields (size \(size), offset \(offset), precision \(precision), exponent \(exponentAt)+\(exponentBits), mantissa \(mantissaAt)+\(mantissaBits), sign \(sign))"
                )
            }
        case 3:  // fixed-length string: padding and character set.
            guard use == .dataset || use == .attribute else { throw .unsupported("string base type") }
            guard bits0 & 0x0F <= 2, bits0 >> 4 <= 1, bits1 == 0, bits2 == 0 else {
                throw .corrupt("string type bits \(bits0) \(bits1) \(bits2)")
            }
            guard size >= 1, size <= 1 << 20 else { throw .unsupported("\(size)-byte strings") }
        case 8:  // enumeration over an integer type; member names then values.
            guard use == .dataset || use == .attribute, depth == 0 else { throw .unsupported("nested enum") }
            let members = Int(bits0) | Int(bits1) << 8
            guard bits2 == 0, members >= 1 else { throw .corrupt("enum with \(members) members") }
            let baseType = try checkDatatype(&body, use: .enumBase, depth: depth + 1)
            guard baseType.typeClass == 0, baseType.size == size else {
                throw .corrupt("enum of \(size) bytes over a \(baseType.size)-byte base")
            }
            for member in 0..<members {
                // Names are NUL-terminated; versions 1 and 2 pad them to a multiple of 8 bytes.
                guard let nul = body.peek(body.remaining).firstIndex(of: 0) else {
                    throw .corrupt("enum member \(member) name not terminated")
                }
                let length = nul - body.position + 1
                try body.skip(version < 3 ? (length + 7) / 8 * 8 : length, "enum member name")
            }
            try body.skip(members * size, "enum values")
        case 9:  // variable-length: only strings, only in attributes (their data is in the global heap).
            guard use == .attribute else { throw .unsupported("variable-length types outside attributes") }
            guard bits0 & 0x0F == 1 else { throw .unsupported("variable-length sequences") }
            guard bits0 >> 4 <= 2, bits1 & 0x0F <= 1, bits1 >> 4 == 0, bits2 == 0 else {
                throw .corrupt("variable-length string bits \(bits0) \(bits1) \(bits2)")
            }
            guard size == 4 + offsetSize + 4 else { throw .corrupt("\(size)-byte variable-length string references") }
            let baseType = try checkDatatype(&body, use: .stringBase, depth: depth + 1)
            guard baseType.typeClass == 0, baseType.size == 1 else {
                throw .corrupt("variable-length string of \(baseType.size)-byte characters")
            }
        default:
            throw .unsupported("datatype class \(typeClass)")
        }
        return CheckedType(typeClass: typeClass, size: size)
    }

    // MARK: - Dataspace

    /// Dataspace message (0x01): versions 1 and 2, rank ≤ 32; returns the dimensions ([] for a
    /// scalar) and whether it is a null dataspace (no elements).
    func checkDataspace(_ body: inout HDF5Cursor) throws(HDF5FormatProblem) -> (dims: [UInt64], isNull: Bool) {
        let version = try body.u8("dataspace version")
        let rank = Int(try body.u8("rank"))
        let flags = try body.u8("dataspace flags")
        guard rank <= 32 else { throw .unsupported("rank \(rank)") }
        guard flags & ~0x01 == 0 else { throw .unsupported("dataspace flags \(flags) (permutations)") }
        var isNull = false
        switch version {
        case 1:
            try body.skip(5, "dataspace reserved bytes")
        case 2:
            let type = try body.u8("dataspace type")
            guard type <= 2, (type == 1) == (rank > 0) else { throw .corrupt("dataspace type \(type) with rank \(rank)") }
            isNull = type == 2
        default:
            throw .unsupported("dataspace version \(version)")
        }
        var dims: [UInt64] = []
        for _ in 0..<rank { dims.append(try body.uint(lengthSize, "dimension")) }
        if flags & 0x01 != 0 {
            for dimension in 0..<rank {
                let maximum = try body.uint(lengthSize, "maximum dimension")
                let unlimited = lengthSize == 8 ? maximum == .max : maximum == (UInt64(1) << (8 * lengthSize)) - 1
                guard unlimited || maximum >= dims[dimension] else {
                    throw .corrupt("dimension \(dims[dimension]) above its maximum \(maximum)")
                }
            }
        }
        return (dims, isNull)
    }

    /// The number of elements of `dims`, or `nil` when it overflows.
    func elementCount(_ dims: [UInt64]) -> UInt64? {
        var count: UInt64 = 1
        for dim in dims {
            let (next, overflow) = count.multipliedReportingOverflow(by: dim)
            if overflow { return nil }
            count = next
        }
        return count
    }
}
