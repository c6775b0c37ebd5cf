/// Link info, symbol tables, dense link storage, group info and link messages.
extension HDF5StructureCheck {
    // MARK: - Groups

    /// Link info message (0x02).
    func checkLinkInfo(_ body: inout HDF5Cursor) throws(HDF5FormatProblem) {
        try checkVersion(&body, [0], "link info")
        let flags = try body.u8("link info flags")
        guard flags & ~0x03 == 0 else { throw .corrupt("link info flags \(flags)") }
        if flags & 0x01 != 0 { _ = try body.uint(8, "maximum creation index") }
        let heap = try body.uint(offsetSize, "link heap address")
        _ = try body.uint(offsetSize, "link name index address")
        if !isUndefined(heap) {
            try withContext("dense link storage") { () throws(HDF5FormatProblem) in try checkDenseStorage(heap: heap) }
        }
        if flags & 0x02 != 0 { _ = try body.uint(offsetSize, "link creation order index address") }
    }

    /// At most this many B-tree and symbol nodes per group (a million members at the default K).
    static let maximumSymbolTableNodes = 1 << 17

    /// The `count` bytes of the `what` at file address `address`, which must start with the
    /// 4-byte `signature`: a cursor just past it.
    func structure(_ signature: String, at address: UInt64, count: Int, _ what: String) throws(HDF5FormatProblem) -> HDF5Cursor {
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
    func checkSymbolTable(btree: UInt64, heap: UInt64) throws(HDF5FormatProblem) {
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
            guard offset <= UInt64(lastNul) else {
                throw .corrupt("\(what) at heap offset \(offset) is not a NUL-terminated name in the \(dataSize)-byte heap")
            }
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
            guard visited.count <= Self.maximumSymbolTableNodes else {
                throw .unsupported("more than \(Self.maximumSymbolTableNodes) symbol table nodes")
            }
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
            guard expectedLevel == nil || expectedLevel == level else {
                throw .corrupt("B-tree node at level \(level), expected \(expectedLevel ?? 0)")
            }
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
    func checkDenseStorage(heap: UInt64) throws(HDF5FormatProblem) {
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
        for field in [
            "free space", "free space manager address", "managed space", "allocated managed space",
            "direct block iterator offset", "managed objects", "huge object size",
        ] {
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
    func checkGroupInfo(_ body: inout HDF5Cursor) throws(HDF5FormatProblem) {
        try checkVersion(&body, [0], "group info")
        let flags = try body.u8("group info flags")
        guard flags & ~0x03 == 0 else { throw .corrupt("group info flags \(flags)") }
        if flags & 0x01 != 0 { try body.skip(4, "link phase change values") }
        if flags & 0x02 != 0 { try body.skip(4, "estimated entry information") }
    }

    /// Link message (0x06): hard, soft and external links; the name length must fit.
    func checkLink(_ body: inout HDF5Cursor) throws(HDF5FormatProblem) {
        try checkVersion(&body, [1], "link")
        let flags = try body.u8("link flags")
        guard flags & 0xE0 == 0 else { throw .corrupt("link flags \(flags)") }
        var linkType: UInt8 = 0
        if flags & 0x08 != 0 { linkType = try body.u8("link type") }
        if flags & 0x04 != 0 { _ = try body.uint(8, "link creation order") }
        if flags & 0x10 != 0 { guard try body.u8("link name character set") <= 1 else { throw .corrupt("link name character set") } }
        let nameLength = try body.uint(1 << Int(flags & 0x03), "link name length")
        guard nameLength >= 1, nameLength <= UInt64(body.remaining) else {
            throw .corrupt("link name of \(nameLength) bytes in \(body.remaining)")
        }
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
}
