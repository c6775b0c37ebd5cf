/// A read-only checker of HDF5 metadata that runs before libhdf5 decodes it.
///
/// libhdf5 1.10 decodes object-header messages (datatypes, attribute messages, filter names, …)
/// without checking their fields against the message size, and fuzz-hdf5 found corrupted files
/// that crash it (Fuzz/README.md). No libhdf5 API hands out a raw message, so this parses the
/// superblock and object headers itself, following the HDF5 File Format Specification 3.0
/// (superblock versions 0–3, object header versions 1 and 2 with continuation chunks), and
/// validates every message libhdf5 decodes when ImageIO opens or reads the object
/// (``HDF5MessageCheck``). Hand-written because no library exposes HDF5's raw metadata.
///
/// Not thread-safe; ``HDF5File`` uses it inside the HDF5 lock.
final class HDF5StructureCheck {
    let source: HDF5ByteSource
    /// The absolute offset of the superblock, which every address is relative to.
    let base: UInt64
    let offsetSize: Int
    let lengthSize: Int
    let superblockVersion: Int
    /// The root group's object header address (relative).
    let rootAddress: UInt64
    /// The superblock extension's object header address (relative), if any.
    let extensionAddress: UInt64?
    /// Symbol table B-tree K values ("group internal node K", "group leaf node K"): they fix
    /// the size of symbol table B-tree nodes and symbol nodes.
    private(set) var groupInternalK = 16
    private(set) var groupLeafK = 4

    /// At most this many header chunks and messages per object (real files have a few).
    static let maximumChunks = 1024
    static let maximumMessages = 1 << 16
    /// At most this many bytes of header chunks per object (bounds the work a forged header causes).
    static let maximumHeaderBytes: UInt64 = 64 << 20

    /// Reads the superblock.
    init(source: HDF5ByteSource) throws(HDF5FormatProblem) {
        self.source = source
        // The superblock is at 0 or at a power of two from 512 on (after a user block).
        let signature: [UInt8] = [0x89, 0x48, 0x44, 0x46, 0x0D, 0x0A, 0x1A, 0x0A]
        var location: UInt64 = 0
        while true {
            guard let bytes = source.read(at: location, count: 8) else { throw .corrupt("no superblock signature") }
            if bytes == signature { break }
            location = location == 0 ? 512 : location * 2
        }
        base = location
        guard let head = source.read(at: location, count: 16) else { throw .corrupt("superblock truncated") }
        superblockVersion = Int(head[8])
        switch superblockVersion {
        case 0, 1:
            offsetSize = Int(head[13])
            lengthSize = Int(head[14])
        case 2, 3:
            offsetSize = Int(head[9])
            lengthSize = Int(head[10])
        default:
            throw .unsupported("superblock version \(superblockVersion)")
        }
        guard [2, 4, 8].contains(offsetSize), [2, 4, 8].contains(lengthSize) else {
            throw .unsupported("\(offsetSize)-byte addresses and \(lengthSize)-byte lengths")
        }
        if superblockVersion >= 2 {
            // Signature, version, sizes, flags; base, extension, end-of-file and root addresses; checksum.
            let length = 12 + 4 * offsetSize + 4
            guard let bytes = source.read(at: location, count: length) else { throw .corrupt("superblock truncated") }
            var cursor = HDF5Cursor(bytes, from: 12 + offsetSize)
            let extensionAddress = try cursor.uint(offsetSize, "superblock extension address")
            _ = try cursor.uint(offsetSize, "end of file address")
            rootAddress = try cursor.uint(offsetSize, "root group address")
            guard try cursor.u32("superblock checksum") == hdf5Lookup3(bytes[0..<(length - 4)]) else {
                throw .corrupt("superblock checksum mismatch")
            }
            let undefined = offsetSize == 8 ? UInt64.max : (UInt64(1) << (8 * offsetSize)) - 1
            self.extensionAddress = extensionAddress == undefined ? nil : extensionAddress
        } else {
            // 24 bytes of versions, sizes, B-tree K values and flags (28 in version 1), four
            // addresses, then the root group's symbol table entry: link name offset, header address.
            let fixed = superblockVersion == 0 ? 24 : 28
            let length = fixed + 6 * offsetSize
            guard let bytes = source.read(at: location, count: length) else { throw .corrupt("superblock truncated") }
            var cursor = HDF5Cursor(bytes, from: 16)
            groupLeafK = Int(try cursor.u16("group leaf node K"))
            groupInternalK = Int(try cursor.u16("group internal node K"))
            cursor = HDF5Cursor(bytes, from: fixed + 5 * offsetSize)
            rootAddress = try cursor.uint(offsetSize, "root group address")
            extensionAddress = nil
        }
        try readExtension()
        guard groupLeafK > 0, groupInternalK > 0 else { throw .corrupt("symbol table K values \(groupInternalK), \(groupLeafK)") }
    }

    /// A B-tree K message (0x13) in the superblock extension overrides the default K values.
    private func readExtension() throws(HDF5FormatProblem) {
        guard let extensionAddress else { return }
        for message in try withContext("superblock extension", { () throws(HDF5FormatProblem) in try messages(at: extensionAddress) })
        where message.type == 0x13 {
            var body = message.body
            guard try body.u8("B-tree K version") == 0 else { throw .unsupported("B-tree K message version") }
            _ = try body.u16("indexed storage internal node K")
            groupInternalK = Int(try body.u16("group internal node K"))
            groupLeafK = Int(try body.u16("group leaf node K"))
        }
    }

    /// Whether `address` is HDF5's "undefined address" (all bits set).
    func isUndefined(_ address: UInt64) -> Bool {
        offsetSize == 8 ? address == .max : address == (UInt64(1) << (8 * offsetSize)) - 1
    }

    /// The absolute offset of relative `address`, when `count` bytes from there are in the file.
    func absolute(_ address: UInt64, count: UInt64, _ what: @autoclosure () -> String) throws(HDF5FormatProblem) -> UInt64 {
        let (start, overflow) = base.addingReportingOverflow(address)
        guard !isUndefined(address), !overflow, start <= source.size, count <= source.size - start else {
            throw .corrupt("\(what()) at \(address) (+\(count) bytes) lies outside the \(source.size)-byte file")
        }
        return start
    }

    // MARK: - Object headers

    /// One message of an object header.
    struct Message {
        var type: Int
        var flags: UInt8
        var body: HDF5Cursor
        /// The absolute file offset of the body (for tests that damage it).
        var fileOffset: UInt64
    }

    /// The messages of the object header at relative `address`, from every chunk; checks the
    /// prefix, chunk sizes, message framing, checksums and continuation messages.
    func messages(at address: UInt64) throws(HDF5FormatProblem) -> [Message] {
        let start = try absolute(address, count: 16, "object header")
        guard let prefix = source.read(at: start, count: 16) else { throw .corrupt("object header truncated") }
        var walk = HeaderWalk(visited: [address])
        let version: Int
        var creationOrder = false
        if prefix[0...3].elementsEqual("OHDR".utf8) {
            version = 2
            let first = try firstVersion2Chunk(prefix, start: start, address: address)
            creationOrder = first.creationOrder
            try follow(first.messages, in: &walk)
        } else {
            version = Int(prefix[0])
            guard version == 1 else { throw .corrupt("no object header (version byte \(version))") }
            var cursor = HDF5Cursor(prefix, from: 8)
            let chunkSize = UInt64(try cursor.u32("header size"))
            let dataStart = try absolute(address, count: 16 + chunkSize, "object header chunk 0") + 16
            guard let chunk = source.read(at: dataStart, count: Int(chunkSize)) else { throw .corrupt("object header truncated") }
            try follow(parseV1Chunk(chunk, origin: dataStart), in: &walk)
        }
        while let (chunkAddress, length) = walk.pending.first {
            walk.pending.removeFirst()
            let chunkStart = try absolute(chunkAddress, count: length, "continuation chunk")
            guard let chunk = source.read(at: chunkStart, count: Int(length)) else { throw .corrupt("continuation chunk truncated") }
            if version == 1 {
                try follow(parseV1Chunk(chunk, origin: chunkStart), in: &walk)
            } else {
                guard chunk.count >= 8, chunk[0...3].elementsEqual("OCHK".utf8) else {
                    throw .corrupt("continuation chunk without OCHK signature")
                }
                try verifyChecksum(chunk, "continuation chunk")
                try follow(parseV2Chunk(chunk, from: 4, to: chunk.count - 4, creationOrder: creationOrder, origin: chunkStart), in: &walk)
            }
        }
        return walk.result
    }

    /// What a walk over an object header's chunks found, and the chunks it must still read.
    private struct HeaderWalk {
        var result: [Message] = []
        var pending: [(address: UInt64, length: UInt64)] = []
        var visited: Set<UInt64>
        var headerBytes: UInt64 = 0
    }

    /// Adds `messages` to the walk and queues the chunks their continuation messages name
    /// (each once, within the limits on chunks, messages and bytes).
    private func follow(_ messages: [Message], in walk: inout HeaderWalk) throws(HDF5FormatProblem) {
        for message in messages {
            if walk.result.count >= Self.maximumMessages { throw .unsupported("more than \(Self.maximumMessages) header messages") }
            walk.result.append(message)
            guard message.type == 0x10 else { continue }
            var body = message.body
            let chunk = try body.uint(offsetSize, "continuation address")
            let length = try body.uint(lengthSize, "continuation length")
            guard walk.visited.insert(chunk).inserted else { throw .corrupt("cyclic object header continuation to \(chunk)") }
            guard walk.visited.count <= Self.maximumChunks else {
                throw .unsupported("more than \(Self.maximumChunks) object header chunks")
            }
            _ = try absolute(chunk, count: length, "object header continuation chunk")
            walk.headerBytes += length
            guard walk.headerBytes <= Self.maximumHeaderBytes else {
                throw .unsupported("object header chunks of more than \(Self.maximumHeaderBytes) bytes")
            }
            walk.pending.append((chunk, length))
        }
    }

    /// The messages of a version-2 header's first chunk (`prefix` starts with "OHDR"), and
    /// whether its messages carry a creation order.
    private func firstVersion2Chunk(_ prefix: [UInt8], start: UInt64, address: UInt64) throws(HDF5FormatProblem)
        -> (messages: [Message], creationOrder: Bool)
    {
        let version = Int(prefix[4])
        guard version == 2 else { throw .unsupported("object header version \(version)") }
        let flags = prefix[5]
        guard flags & 0xC0 == 0 else { throw .corrupt("object header flags \(flags)") }
        let creationOrder = flags & 0x04 != 0
        let sizeWidth = 1 << Int(flags & 0x03)
        let prefixLength = 6 + (flags & 0x20 != 0 ? 16 : 0) + (flags & 0x10 != 0 ? 4 : 0) + sizeWidth
        guard let fixed = source.read(at: start, count: prefixLength) else { throw .corrupt("object header truncated") }
        var cursor = HDF5Cursor(fixed, from: prefixLength - sizeWidth)
        let chunkSize = try cursor.uint(sizeWidth, "chunk size")
        guard chunkSize <= source.size else { throw .corrupt("object header chunk of \(chunkSize) bytes") }
        _ = try absolute(address, count: UInt64(prefixLength) + chunkSize + 4, "object header chunk 0")
        guard let chunk = source.read(at: start, count: prefixLength + Int(chunkSize) + 4) else {
            throw .corrupt("object header truncated")
        }
        try verifyChecksum(chunk, "object header")
        let messages = try parseV2Chunk(chunk, from: prefixLength, to: chunk.count - 4, creationOrder: creationOrder, origin: start)
        return (messages, creationOrder)
    }

    private func verifyChecksum(_ chunk: [UInt8], _ what: String) throws(HDF5FormatProblem) {
        var cursor = HDF5Cursor(chunk, from: chunk.count - 4)
        guard try cursor.u32("checksum") == hdf5Lookup3(chunk[0..<(chunk.count - 4)]) else {
            throw .corrupt("\(what) checksum mismatch")
        }
    }

    /// Version-1 messages: type (2), size (2), flags (1), reserved (3), body padded to 8 bytes.
    private func parseV1Chunk(_ chunk: [UInt8], origin: UInt64) throws(HDF5FormatProblem) -> [Message] {
        var cursor = HDF5Cursor(chunk)
        var messages: [Message] = []
        while cursor.remaining > 0 {
            let type = Int(try cursor.u16("message type"))
            let size = Int(try cursor.u16("message size"))
            let flags = try cursor.u8("message flags")
            try cursor.skip(3, "message header")
            guard size % 8 == 0 else { throw .corrupt("message of \(size) bytes in a version-1 header (not a multiple of 8)") }
            messages.append(
                Message(
                    type: type, flags: flags, body: try cursor.sub(size, "message body"),
                    fileOffset: origin + UInt64(cursor.position - size)))
        }
        return messages
    }

    /// Version-2 messages: type (1), size (2), flags (1), creation order (2, optional), body; a gap
    /// shorter than a message header may end the chunk.
    private func parseV2Chunk(_ chunk: [UInt8], from start: Int, to end: Int, creationOrder: Bool, origin: UInt64) throws(HDF5FormatProblem)
        -> [Message]
    {
        guard start <= end else { throw .corrupt("object header chunk too short") }
        var cursor = HDF5Cursor(chunk, from: start, to: end)
        let headerSize = creationOrder ? 6 : 4
        var messages: [Message] = []
        while cursor.remaining >= headerSize {
            let type = Int(try cursor.u8("message type"))
            let size = Int(try cursor.u16("message size"))
            let flags = try cursor.u8("message flags")
            if creationOrder { _ = try cursor.u16("message creation order") }
            messages.append(
                Message(
                    type: type, flags: flags, body: try cursor.sub(size, "message body"),
                    fileOffset: origin + UInt64(cursor.position - size)))
        }
        return messages
    }
}
