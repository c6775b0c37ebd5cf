/// The result of checking one object header.
struct HDF5ObjectSummary: Equatable {
    /// The object has a symbol table or link info message (libhdf5 then calls it a group).
    var isGroup = false
    /// The object has a datatype and a dataspace message (libhdf5 then calls it a dataset).
    var isDataset = false
    /// Why libhdf5 must not open the object, or `nil`.
    var problem: HDF5FormatProblem?
    /// Why the object's attributes must not be read (a bad attribute message), or `nil`.
    var attributeProblem: HDF5FormatProblem?
}

/// Validates object-header messages before libhdf5 decodes them (allowlist: only what ImageIO
/// reads; HDF5 File Format Specification 3.0, section IV.A.2). libhdf5 1.10 copies names,
/// datatypes and attribute data using the lengths stored in the message without checking them
/// against the message size; every length here is checked.
extension HDF5StructureCheck {
    /// Message types, by number.
    private enum Kind {
        static let nil_ = 0x00, dataspace = 0x01, linkInfo = 0x02, datatype = 0x03, fillOld = 0x04, fill = 0x05
        static let link = 0x06, externalFiles = 0x07, layout = 0x08, bogus = 0x09, groupInfo = 0x0A
        static let filters = 0x0B, attribute = 0x0C, comment = 0x0D, modificationTimeOld = 0x0E
        static let sharedMessageTable = 0x0F, continuation = 0x10, symbolTable = 0x11, modificationTime = 0x12
        static let btreeK = 0x13, driverInfo = 0x14, attributeInfo = 0x15, referenceCount = 0x16
        static let fileSpaceInfo = 0x17, cacheImage = 0x18
    }

    /// Checks the header at relative `address` and every message libhdf5 decodes when ImageIO
    /// opens the object as a group or dataset (``HDF5ObjectSummary/problem``); attribute messages
    /// are reported apart (``HDF5ObjectSummary/attributeProblem``). The kind comes from which
    /// messages are present, as in libhdf5, even when a message is bad.
    func checkObject(at address: UInt64) -> HDF5ObjectSummary {
        let messages: [Message]
        do throws(HDF5FormatProblem) {
            messages = try self.messages(at: address)
        } catch {
            return HDF5ObjectSummary(problem: error)
        }
        var summary = HDF5ObjectSummary()
        let types = Set(messages.map(\.type))
        summary.isGroup = types.contains(Kind.symbolTable) || types.contains(Kind.linkInfo)
        summary.isDataset = !summary.isGroup && types.contains(Kind.datatype) && types.contains(Kind.dataspace)
        do throws(HDF5FormatProblem) {
            try checkMessages(messages, summary: &summary)
        } catch {
            summary.problem = error
        }
        return summary
    }

    private func checkMessages(_ messages: [Message], summary: inout HDF5ObjectSummary) throws(HDF5FormatProblem) {
        var datatype: CheckedType?
        var extent: [UInt64]?
        // Datatype and dataspace first: layout and fill value are checked against them.
        for message in messages where message.type == Kind.datatype || message.type == Kind.dataspace {
            try checkFlags(message)
            var body = message.body
            if message.type == Kind.datatype {
                let type = try withContext("datatype message") { () throws(HDF5FormatProblem) in try checkDatatype(&body, use: .dataset) }
                datatype = datatype ?? type
            } else {
                let space = try withContext("dataspace message") { () throws(HDF5FormatProblem) in try checkDataspace(&body) }
                extent = extent ?? (space.isNull ? [0] : space.dims)
            }
        }
        // Then the layout: the filter check needs the chunk size.
        var chunkElements: UInt64?
        for message in messages where message.type == Kind.layout {
            try checkFlags(message)
            var body = message.body
            let elements = try withContext("layout message") { () throws(HDF5FormatProblem) in try checkLayout(&body, datatype: datatype, extent: extent) }
            chunkElements = chunkElements ?? elements
        }
        for message in messages {
            var body = message.body
            let type = message.type
            if type == Kind.datatype || type == Kind.dataspace || type == Kind.layout { continue }
            if type == Kind.attribute || type == Kind.attributeInfo {
                do throws(HDF5FormatProblem) {
                    try checkFlags(message)
                    if type == Kind.attribute { try checkAttribute(&body) } else { try checkAttributeInfo(&body) }
                } catch {
                    summary.attributeProblem = summary.attributeProblem ?? error
                }
                continue
            }
            try checkFlags(message)
            switch type {
            case Kind.nil_, Kind.continuation, Kind.comment, Kind.modificationTimeOld, Kind.modificationTime, Kind.btreeK:
                // Continuations were followed by `messages(at:)`; times and comments are decoded
                // only for H5Oget_info with time/comment fields, which ImageIO never asks for.
                if type == Kind.modificationTime { try checkVersion(&body, [1], "modification time") }
            case Kind.referenceCount:
                try checkVersion(&body, [0], "reference count")
                _ = try body.u32("reference count")
            case Kind.linkInfo:
                try checkLinkInfo(&body)
            case Kind.groupInfo:
                try checkGroupInfo(&body)
            case Kind.symbolTable:
                let btree = try body.uint(offsetSize, "symbol table B-tree address")
                let heap = try body.uint(offsetSize, "symbol table heap address")
                try withContext("symbol table") { () throws(HDF5FormatProblem) in try checkSymbolTable(btree: btree, heap: heap) }
            case Kind.link:
                try withContext("link message") { () throws(HDF5FormatProblem) in try checkLink(&body) }
            case Kind.fillOld:
                let size = try body.u32("fill value size")
                try body.skip(Int(size), "fill value")
                if let datatype, size != 0, Int(size) != datatype.size { throw .corrupt("\(size)-byte fill value for a \(datatype.size)-byte type") }
            case Kind.fill:
                try withContext("fill value message") { () throws(HDF5FormatProblem) in try checkFillValue(&body, datatype: datatype) }
            case Kind.filters:
                try withContext("filter pipeline message") { () throws(HDF5FormatProblem) in try checkFilters(&body, datatype: datatype, chunkElements: chunkElements) }
            case Kind.externalFiles:
                throw .unsupported("external data files")
            case Kind.bogus, Kind.sharedMessageTable, Kind.driverInfo, Kind.fileSpaceInfo, Kind.cacheImage:
                throw .unsupported("header message type \(type) in an object header")
            default:
                // libhdf5 keeps messages it does not know as raw bytes (or refuses the object if
                // bit 7, "fail if unknown", is set) and never decodes them.
                continue
            }
        }
    }

    /// Message flags: no unknown bits, and no shared messages (their content lives elsewhere).
    private func checkFlags(_ message: Message) throws(HDF5FormatProblem) {
        guard message.flags & 0x02 == 0 else { throw .unsupported("shared header message (type \(message.type))") }
        guard message.flags & 0x80 == 0 || message.type <= Kind.cacheImage else { throw .unsupported("unknown header message type \(message.type)") }
    }

    private func checkVersion(_ body: inout HDF5Cursor, _ versions: [UInt8], _ what: String) throws(HDF5FormatProblem) {
        let version = try body.u8("\(what) version")
        guard versions.contains(version) else { throw .unsupported("\(what) message version \(version)") }
    }

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
        let typeClass = Int(classAndVersion & 0x0F), version = Int(classAndVersion >> 4)
        guard (1...3).contains(version) else { throw .unsupported("datatype version \(version)") }
        let bits0 = try body.u8("datatype bits"), bits1 = try body.u8("datatype bits"), bits2 = try body.u8("datatype bits")
        let size = Int(try body.u32("datatype size"))
        switch typeClass {
        case 0:  // fixed-point: byte order, padding, sign; bit offset and precision.
            guard bits0 & 0xF0 == 0, bits1 == 0, bits2 == 0 else { throw .corrupt("integer type bits \(bits0) \(bits1) \(bits2)") }
            guard [1, 2, 4, 8].contains(size) else { throw .unsupported("\(size)-byte integers") }
            let offset = Int(try body.u16("bit offset")), precision = Int(try body.u16("precision"))
            guard precision > 0, offset + precision <= 8 * size else { throw .corrupt("integer of \(precision) bits at bit \(offset) in \(size) bytes") }
        case 1:  // floating-point
            guard use != .enumBase, use != .stringBase else { throw .unsupported("float base type") }
            guard bits0 & 0x40 == 0 else { throw .unsupported("VAX byte order") }
            guard bits0 & 0x30 != 0x30, bits2 == 0 else { throw .corrupt("float type bits \(bits0) \(bits1) \(bits2)") }
            guard [2, 4, 8].contains(size) else { throw .unsupported("\(size)-byte floats") }
            let offset = Int(try body.u16("bit offset")), precision = Int(try body.u16("precision"))
            let exponentAt = Int(try body.u8("exponent location")), exponentBits = Int(try body.u8("exponent size"))
            let mantissaAt = Int(try body.u8("mantissa location")), mantissaBits = Int(try body.u8("mantissa size"))
            _ = try body.u32("exponent bias")
            let sign = Int(bits1), range = offset..<(offset + precision)
            guard precision > 0, offset + precision <= 8 * size, exponentBits > 0, exponentBits <= 32, mantissaBits > 0,
                exponentAt >= range.lowerBound, exponentAt + exponentBits <= range.upperBound,
                mantissaAt >= range.lowerBound, mantissaAt + mantissaBits <= range.upperBound,
                mantissaAt + mantissaBits <= exponentAt, range.contains(sign), sign >= exponentAt + exponentBits
            else {
                throw .corrupt("float fields (size \(size), offset \(offset), precision \(precision), exponent \(exponentAt)+\(exponentBits), mantissa \(mantissaAt)+\(mantissaBits), sign \(sign))")
            }
        case 3:  // fixed-length string: padding and character set.
            guard use == .dataset || use == .attribute else { throw .unsupported("string base type") }
            guard bits0 & 0x0F <= 2, bits0 >> 4 <= 1, bits1 == 0, bits2 == 0 else { throw .corrupt("string type bits \(bits0) \(bits1) \(bits2)") }
            guard size >= 1, size <= 1 << 20 else { throw .unsupported("\(size)-byte strings") }
        case 8:  // enumeration over an integer type; member names then values.
            guard use == .dataset || use == .attribute, depth == 0 else { throw .unsupported("nested enum") }
            let members = Int(bits0) | Int(bits1) << 8
            guard bits2 == 0, members >= 1 else { throw .corrupt("enum with \(members) members") }
            let baseType = try checkDatatype(&body, use: .enumBase, depth: depth + 1)
            guard baseType.typeClass == 0, baseType.size == size else { throw .corrupt("enum of \(size) bytes over a \(baseType.size)-byte base") }
            for member in 0..<members {
                // Names are NUL-terminated; versions 1 and 2 pad them to a multiple of 8 bytes.
                guard let nul = body.peek(body.remaining).firstIndex(of: 0) else { throw .corrupt("enum member \(member) name not terminated") }
                let length = nul - body.position + 1
                try body.skip(version < 3 ? (length + 7) / 8 * 8 : length, "enum member name")
            }
            try body.skip(members * size, "enum values")
        case 9:  // variable-length: only strings, only in attributes (their data is in the global heap).
            guard use == .attribute else { throw .unsupported("variable-length types outside attributes") }
            guard bits0 & 0x0F == 1 else { throw .unsupported("variable-length sequences") }
            guard bits0 >> 4 <= 2, bits1 & 0x0F <= 1, bits1 >> 4 == 0, bits2 == 0 else { throw .corrupt("variable-length string bits \(bits0) \(bits1) \(bits2)") }
            guard size == 4 + offsetSize + 4 else { throw .corrupt("\(size)-byte variable-length string references") }
            let baseType = try checkDatatype(&body, use: .stringBase, depth: depth + 1)
            guard baseType.typeClass == 0, baseType.size == 1 else { throw .corrupt("variable-length string of \(baseType.size)-byte characters") }
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
                guard unlimited || maximum >= dims[dimension] else { throw .corrupt("dimension \(dims[dimension]) above its maximum \(maximum)") }
            }
        }
        return (dims, isNull)
    }

    /// The number of elements of `dims`, or `nil` when it overflows.
    private func elementCount(_ dims: [UInt64]) -> UInt64? {
        var count: UInt64 = 1
        for dim in dims {
            let (next, overflow) = count.multipliedReportingOverflow(by: dim)
            if overflow { return nil }
            count = next
        }
        return count
    }

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
    private func checkAttributeInfo(_ body: inout HDF5Cursor) throws(HDF5FormatProblem) {
        try checkVersion(&body, [0], "attribute info")
        let flags = try body.u8("attribute info flags")
        guard flags & ~0x03 == 0 else { throw .corrupt("attribute info flags \(flags)") }
        if flags & 0x01 != 0 { _ = try body.u16("maximum creation index") }
        let heap = try body.uint(offsetSize, "attribute heap address")
        _ = try body.uint(offsetSize, "attribute name index address")
        if flags & 0x02 != 0 { _ = try body.uint(offsetSize, "attribute creation order index address") }
        if !isUndefined(heap) { try withContext("dense attribute storage") { () throws(HDF5FormatProblem) in try checkDenseStorage(heap: heap) } }
    }

    // MARK: - Groups

    /// Link info message (0x02).
    private func checkLinkInfo(_ body: inout HDF5Cursor) throws(HDF5FormatProblem) {
        try checkVersion(&body, [0], "link info")
        let flags = try body.u8("link info flags")
        guard flags & ~0x03 == 0 else { throw .corrupt("link info flags \(flags)") }
        if flags & 0x01 != 0 { _ = try body.uint(8, "maximum creation index") }
        let heap = try body.uint(offsetSize, "link heap address")
        _ = try body.uint(offsetSize, "link name index address")
        if !isUndefined(heap) { try withContext("dense link storage") { () throws(HDF5FormatProblem) in try checkDenseStorage(heap: heap) } }
        if flags & 0x02 != 0 { _ = try body.uint(offsetSize, "link creation order index address") }
    }

    /// At most this many B-tree and symbol nodes per group (a million members at the default K).
    static let maximumSymbolTableNodes = 1 << 17

    /// The `count` bytes of the `what` at file address `address`, which must start with the
    /// 4-byte `signature`: a cursor just past it.
    private func structure(_ signature: String, at address: UInt64, count: Int, _ what: String) throws(HDF5FormatProblem) -> HDF5Cursor {
        let start = try absolute(address, count: UInt64(count), what)
        guard let bytes = source.read(at: start, count: count) else { throw .corrupt("\(what) truncated") }
        var cursor = HDF5Cursor(bytes)
        guard cursor.peek(4).elementsEqual(signature.utf8) else { throw .corrupt("no \(what) signature at \(address)") }
        try cursor.skip(4, "signature")
        return cursor
    }

    /// A symbol table group (the format of libver "earliest", h5py's default): a version-1 B-tree
    /// whose leaves point to symbol nodes ("SNOD") whose entries name members by offset into a
    /// local heap. libhdf5 walks all of it to count, list and find members; this checks every
    /// node's signature, type, level, entry count and size against the file, that the tree has
    /// no cycle, and that every key and name offset lies in the heap and is NUL-terminated there.
    private func checkSymbolTable(btree: UInt64, heap: UInt64) throws(HDF5FormatProblem) {
        // Local heap: "HEAP", version 0, 3 reserved, data size, free list offset, data address.
        let heapHeaderSize = 8 + 2 * lengthSize + offsetSize
        var cursor = try structure("HEAP", at: heap, count: heapHeaderSize, "local heap")
        guard try cursor.u8("local heap version") == 0 else { throw .unsupported("local heap version") }
        try cursor.skip(3, "reserved")
        let dataSize = try cursor.uint(lengthSize, "local heap data size")
        _ = try cursor.uint(lengthSize, "local heap free list offset")
        let dataAddress = try cursor.uint(offsetSize, "local heap data address")
        guard dataSize > 0, dataSize <= 1 << 28 else { throw .corrupt("local heap of \(dataSize) bytes") }
        let dataStart = try absolute(dataAddress, count: dataSize, "local heap data")
        guard let data = source.read(at: dataStart, count: Int(dataSize)) else { throw .corrupt("local heap data truncated") }
        // Every name must end with a NUL inside the heap: offsets up to the last NUL are safe.
        guard let lastNul = data.lastIndex(of: 0) else { throw .corrupt("local heap without a NUL-terminated name") }
        func checkName(_ offset: UInt64, _ what: String) throws(HDF5FormatProblem) {
            guard offset <= UInt64(lastNul) else { throw .corrupt("\(what) at heap offset \(offset) is not a NUL-terminated name in the \(dataSize)-byte heap") }
        }

        // B-tree nodes: "TREE", type 0, level, entries used, siblings, then keys and children
        // interleaved; libhdf5 reads nodes of the full size for 2K entries.
        let treeNodeSize = 8 + 2 * offsetSize + 2 * groupInternalK * offsetSize + (2 * groupInternalK + 1) * lengthSize
        let entrySize = 2 * offsetSize + 24
        let symbolNodeSize = 8 + 2 * groupLeafK * entrySize
        var pending: [(address: UInt64, level: Int?)] = [(btree, nil)]
        var visited: Set<UInt64> = []
        while let (address, expectedLevel) = pending.popLast() {
            guard visited.insert(address).inserted else { throw .corrupt("symbol table node \(address) reached twice") }
            guard visited.count <= Self.maximumSymbolTableNodes else { throw .unsupported("more than \(Self.maximumSymbolTableNodes) symbol table nodes") }
            if expectedLevel == -1 {
                // A symbol node: "SNOD", version 1, reserved, symbol count, 2 × leaf K entries.
                var cursor = try structure("SNOD", at: address, count: symbolNodeSize, "symbol node")
                guard try cursor.u8("symbol node version") == 1 else { throw .unsupported("symbol node version") }
                try cursor.skip(1, "reserved")
                let symbols = Int(try cursor.u16("symbol count"))
                guard symbols <= 2 * groupLeafK else { throw .corrupt("\(symbols) symbols in a node for \(2 * groupLeafK)") }
                for _ in 0..<symbols {
                    try checkName(try cursor.uint(offsetSize, "link name offset"), "member name")
                    _ = try cursor.uint(offsetSize, "object header address")
                    guard try cursor.u32("cache type") <= 2 else { throw .corrupt("symbol table entry cache type") }
                    try cursor.skip(20, "symbol table entry scratch pad")
                }
                continue
            }
            var cursor = try structure("TREE", at: address, count: treeNodeSize, "symbol table B-tree node")
            guard try cursor.u8("B-tree node type") == 0 else { throw .corrupt("B-tree node of type 1 in a symbol table") }
            let level = Int(try cursor.u8("B-tree node level"))
            guard expectedLevel == nil || expectedLevel == level else { throw .corrupt("B-tree node at level \(level), expected \(expectedLevel ?? 0)") }
            let entries = Int(try cursor.u16("B-tree entries"))
            guard entries <= 2 * groupInternalK else { throw .corrupt("\(entries) entries in a B-tree node for \(2 * groupInternalK)") }
            try cursor.skip(2 * offsetSize, "B-tree siblings")
            for _ in 0..<entries {
                try checkName(try cursor.uint(lengthSize, "B-tree key"), "B-tree key")
                pending.append((try cursor.uint(offsetSize, "B-tree child"), level == 0 ? -1 : level - 1))
            }
            try checkName(try cursor.uint(lengthSize, "B-tree key"), "B-tree key")
        }
    }

    /// Dense link and attribute storage: messages kept in a fractal heap, indexed by version-2
    /// B-trees. This check does not decode the heap's messages; instead it requires the heap
    /// header (checksum verified here) to declare checksummed direct blocks, no I/O filters and
    /// no "huge" objects (stored outside the heap blocks, unchecksummed). Every message is then
    /// inside a checksummed block (managed objects) or a checksummed B-tree record (tiny
    /// objects), which libhdf5 verifies before decoding, so damage is caught; only a file
    /// crafted with matching checksums gets past. libhdf5 sets these options for every group
    /// and attribute heap it writes.
    private func checkDenseStorage(heap: UInt64) throws(HDF5FormatProblem) {
        let length = 4 + 1 + 2 + 2 + 1 + 4 + 12 * lengthSize + 3 * offsetSize + 2 + 2 + 2 + 2 + 4
        var cursor = try structure("FRHP", at: heap, count: length, "fractal heap header")
        guard try cursor.u8("fractal heap version") == 0 else { throw .unsupported("fractal heap version") }
        _ = try cursor.u16("heap ID length")
        guard try cursor.u16("I/O filter length") == 0 else { throw .unsupported("filtered fractal heap") }
        let flags = try cursor.u8("fractal heap flags")
        guard flags & 0x02 != 0 else { throw .unsupported("fractal heap without direct block checksums") }
        _ = try cursor.u32("maximum managed object size")
        _ = try cursor.uint(lengthSize, "next huge object ID")
        _ = try cursor.uint(offsetSize, "huge object B-tree address")
        for field in ["free space", "free space manager address", "managed space", "allocated managed space",
                      "direct block iterator offset", "managed objects", "huge object size"] {
            _ = try cursor.uint(field == "free space manager address" ? offsetSize : lengthSize, field)
        }
        guard try cursor.uint(lengthSize, "huge objects") == 0 else { throw .unsupported("fractal heap with huge objects") }
        _ = try cursor.uint(lengthSize, "tiny object size")
        _ = try cursor.uint(lengthSize, "tiny objects")
        _ = try cursor.u16("table width")
        _ = try cursor.uint(lengthSize, "starting block size")
        _ = try cursor.uint(lengthSize, "maximum direct block size")
        _ = try cursor.u16("maximum heap size")
        _ = try cursor.u16("starting rows")
        _ = try cursor.uint(offsetSize, "root block address")
        _ = try cursor.u16("current rows")
        let checksumAt = cursor.position
        guard try cursor.u32("fractal heap checksum") == hdf5Lookup3(cursor.bytes[0..<checksumAt]) else {
            throw .corrupt("fractal heap header checksum mismatch")
        }
    }

    /// Group info message (0x0A).
    private func checkGroupInfo(_ body: inout HDF5Cursor) throws(HDF5FormatProblem) {
        try checkVersion(&body, [0], "group info")
        let flags = try body.u8("group info flags")
        guard flags & ~0x03 == 0 else { throw .corrupt("group info flags \(flags)") }
        if flags & 0x01 != 0 { try body.skip(4, "link phase change values") }
        if flags & 0x02 != 0 { try body.skip(4, "estimated entry information") }
    }

    /// Link message (0x06): hard, soft and external links; the name length must fit.
    private func checkLink(_ body: inout HDF5Cursor) throws(HDF5FormatProblem) {
        try checkVersion(&body, [1], "link")
        let flags = try body.u8("link flags")
        guard flags & 0xE0 == 0 else { throw .corrupt("link flags \(flags)") }
        var linkType: UInt8 = 0
        if flags & 0x08 != 0 { linkType = try body.u8("link type") }
        if flags & 0x04 != 0 { _ = try body.uint(8, "link creation order") }
        if flags & 0x10 != 0 { guard try body.u8("link name character set") <= 1 else { throw .corrupt("link name character set") } }
        let nameLength = try body.uint(1 << Int(flags & 0x03), "link name length")
        guard nameLength >= 1, nameLength <= UInt64(body.remaining) else { throw .corrupt("link name of \(nameLength) bytes in \(body.remaining)") }
        try body.skip(Int(nameLength), "link name")
        switch linkType {
        case 0: _ = try body.uint(offsetSize, "hard link address")
        case 1, 64:
            let length = Int(try body.u16("link value length"))
            guard length > 0 else { throw .corrupt("empty link value") }
            var value = try body.sub(length, "link value")
            if linkType == 64 {
                // Version/flags byte, then a NUL-terminated file name and object path.
                _ = try value.u8("external link flags")
                let rest = value.peek(value.remaining)
                guard rest.filter({ $0 == 0 }).count >= 2 else { throw .corrupt("external link names not NUL-terminated") }
            }
        default: throw .unsupported("user-defined link type \(linkType)")
        }
    }

    // MARK: - Datasets

    /// Fill value message (0x05), versions 1–3.
    private func checkFillValue(_ body: inout HDF5Cursor, datatype: CheckedType?) throws(HDF5FormatProblem) {
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
        if let datatype, size != 0, Int(size) != datatype.size { throw .corrupt("\(size)-byte fill value for a \(datatype.size)-byte type") }
    }

    /// Data layout message (0x08), versions 1–4: compact, contiguous and chunked; chunk dimensions
    /// must match the dataspace rank plus the element size (HDF5 always writes them so). Returns
    /// the number of elements per chunk (`nil` when not chunked).
    private func checkLayout(_ body: inout HDF5Cursor, datatype: CheckedType?, extent: [UInt64]?) throws(HDF5FormatProblem) -> UInt64? {
        let version = try body.u8("layout version")
        guard let datatype, let extent else { throw .corrupt("a layout without a datatype and dataspace") }
        guard let points = elementCount(extent) else { throw .corrupt("dataspace \(extent) overflows") }
        let (bytes, overflow) = points.multipliedReportingOverflow(by: UInt64(datatype.size))
        guard !overflow else { throw .corrupt("dataspace \(extent) overflows") }
        var chunkDims: [UInt64] = []
        let layoutClass: UInt8
        switch version {
        case 1, 2:
            let dimensionality = Int(try body.u8("dimensionality"))
            layoutClass = try body.u8("layout class")
            try body.skip(5, "layout reserved bytes")
            guard dimensionality >= 1, dimensionality <= 33 else { throw .corrupt("layout of \(dimensionality) dimensions") }
            if layoutClass != 0 { _ = try body.uint(offsetSize, "data address") }
            for _ in 0..<dimensionality { chunkDims.append(UInt64(try body.u32("layout dimension"))) }
            switch layoutClass {
            case 0:
                let size = try body.u32("compact data size")
                guard UInt64(size) == bytes else { throw .corrupt("compact data of \(size) bytes for \(bytes)") }
                try body.skip(Int(size), "compact data")
                chunkDims = []
            case 1: chunkDims = []
            case 2: _ = try body.u32("dataset element size")
            default: throw .corrupt("layout class \(layoutClass)")
            }
        case 3, 4:
            layoutClass = try body.u8("layout class")
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
                let index = try body.u8("chunk index type")
                switch index {
                case 1: if flags & 0x02 != 0 { _ = try body.uint(lengthSize, "filtered chunk size"); _ = try body.u32("filter mask") }
                case 2: break
                case 3: guard try body.u8("fixed array page bits") > 0 else { throw .corrupt("fixed array page bits") }
                case 4:
                    // Maximum bits, index block elements, minimum pointers, minimum elements, page bits.
                    let maxBits = try body.u8("extensible array maximum bits"), indexElements = try body.u8("index block elements")
                    let pointers = try body.u8("minimum data block pointers"), elements = try body.u8("minimum data block elements")
                    let pageBits = try body.u8("data block page bits")
                    guard (1...64).contains(maxBits), indexElements > 0, pointers > 0, pointers & (pointers - 1) == 0,
                        elements > 0, elements & (elements - 1) == 0, pageBits > 0, pageBits <= maxBits
                    else { throw .corrupt("extensible array parameters \([maxBits, indexElements, pointers, elements, pageBits])") }
                case 5:
                    let nodeSize = try body.u32("B-tree node size"), split = try body.u8("split percent"), merge = try body.u8("merge percent")
                    guard nodeSize >= 64, (1...100).contains(split), (1...100).contains(merge), merge < split else {
                        throw .corrupt("version-2 B-tree parameters \(nodeSize) \(split) \(merge)")
                    }
                default: throw .corrupt("chunk index type \(index)")
                }
                _ = try body.uint(offsetSize, "chunk index address")
            default:
                throw .unsupported(layoutClass == 3 ? "virtual datasets" : "layout class \(layoutClass)")
            }
        default:
            throw .unsupported("layout message version \(version)")
        }
        if layoutClass == 2 {
            guard chunkDims.count == extent.count + 1 else {
                throw .corrupt("\(chunkDims.count - 1)-d chunks for a \(extent.count)-d dataset")
            }
            guard chunkDims.last == UInt64(datatype.size) else { throw .corrupt("chunk element size \(chunkDims.last ?? 0) for a \(datatype.size)-byte type") }
            guard chunkDims.allSatisfy({ $0 > 0 }) else { throw .corrupt("chunk shape \(chunkDims.dropLast())") }
            guard let elements = elementCount(Array(chunkDims.dropLast())), elements < 1 << 32 else {
                throw .corrupt("chunk shape \(chunkDims.dropLast()) overflows")
            }
            return elements
        }
        return nil
    }

    /// Filter pipeline message (0x0B), versions 1 and 2: names NUL-terminated inside their field
    /// (libhdf5 strlen()s them), client data inside the message; deflate, shuffle, fletcher32,
    /// scale-offset with parameters that match the datatype and chunk size (the filter trusts
    /// them when it sizes its output), and plugin filters (libhdf5 refuses to read without the
    /// plugin). n-bit and szip are refused. The compressed chunk bytes themselves are decoded by
    /// zlib / libhdf5, not checked here.
    private func checkFilters(_ body: inout HDF5Cursor, datatype: CheckedType?, chunkElements: UInt64?) throws(HDF5FormatProblem) {
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

/// Runs `body`, prefixing any problem's reason with `context`.
func withContext<T>(_ context: String, _ body: () throws(HDF5FormatProblem) -> T) throws(HDF5FormatProblem) -> T {
    do throws(HDF5FormatProblem) {
        return try body()
    } catch {
        throw error.within(context)
    }
}
