/// Attribute and attribute-info messages.
extension HDF5StructureCheck {
    // MARK: - Attributes

    /// Attribute message (0x0C): the name must end with NUL inside its field (libhdf5 copies it
    /// with strdup), datatype and dataspace must decode inside their declared sizes, and the data
    /// (elements × type size) must fit in the message (libhdf5 memcpys that many bytes).
    func checkAttribute(_ body: inout HDF5Cursor) throws(HDF5FormatProblem) {
        let version = try body.u8("attribute version")
        guard (1...3).contains(version) else { throw .unsupported("attribute message version \(version)") }
        let flags = try body.u8("attribute flags")
        guard version == 1 ? flags == 0 : flags & 0x03 == 0 else { throw .unsupported("shared attribute datatype or dataspace") }
        guard flags & ~0x03 == 0 else { throw .corrupt("attribute flags \(flags)") }
        let nameSize = Int(try body.u16("attribute name size"))
        let typeSize = Int(try body.u16("attribute datatype size"))
        let spaceSize = Int(try body.u16("attribute dataspace size"))
        if version == 3 {
            guard try body.u8("attribute name character set") <= 1 else { throw .corrupt("attribute name character set") }
        }
        func padded(_ n: Int) -> Int { version == 1 ? (n + 7) / 8 * 8 : n }
        let name = try body.sub(padded(nameSize), "attribute name")
        // libhdf5 fails the decode unless strlen(name) + 1 == name size, and a failed decode while
        // H5Aiterate builds its table crashes libhdf5 1.10.8 (H5A__attr_release_table closes a
        // half-built entry): so every attribute message must decode, not merely stay in bounds.
        guard nameSize >= 2, name.peek(nameSize).firstIndex(of: 0) == name.position + nameSize - 1 else {
            throw .corrupt("attribute name not a NUL-terminated string of \(nameSize - 1) bytes")
        }
        var typeBytes = try body.sub(padded(typeSize), "attribute datatype")
        let typeStart = typeBytes.position
        let type = try withContext("attribute datatype") { () throws(HDF5FormatProblem) in try checkDatatype(&typeBytes, use: .attribute) }
        guard typeBytes.position - typeStart <= typeSize else { throw .corrupt("attribute datatype longer than its field") }
        var spaceBytes = try body.sub(padded(spaceSize), "attribute dataspace")
        let spaceStart = spaceBytes.position
        let (dims, isNull) = try withContext("attribute dataspace") { () throws(HDF5FormatProblem) in try checkDataspace(&spaceBytes) }
        guard spaceBytes.position - spaceStart <= spaceSize else { throw .corrupt("attribute dataspace longer than its field") }
        guard let points = elementCount(dims) else { throw .corrupt("attribute dataspace \(dims) overflows") }
        let count = isNull ? 0 : points
        let (dataSize, overflow) = count.multipliedReportingOverflow(by: UInt64(type.size))
        guard !overflow, dataSize <= UInt64(body.remaining) else {
            throw .corrupt("attribute data of \(count) × \(type.size) bytes in \(body.remaining) bytes")
        }
    }

    /// Attribute info message (0x15); dense storage must pass ``checkDenseStorage(heap:)``.
    func checkAttributeInfo(_ body: inout HDF5Cursor) throws(HDF5FormatProblem) {
        try checkVersion(&body, [0], "attribute info")
        let flags = try body.u8("attribute info flags")
        guard flags & ~0x03 == 0 else { throw .corrupt("attribute info flags \(flags)") }
        if flags & 0x01 != 0 { _ = try body.u16("maximum creation index") }
        let heap = try body.uint(offsetSize, "attribute heap address")
        _ = try body.uint(offsetSize, "attribute name index address")
        if flags & 0x02 != 0 { _ = try body.uint(offsetSize, "attribute creation order index address") }
        if !isUndefined(heap) {
            try withContext("dense attribute storage") { () throws(HDF5FormatProblem) in try checkDenseStorage(heap: heap) }
        }
    }
}
