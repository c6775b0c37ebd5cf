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
    enum Kind {
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

    func checkMessages(_ messages: [Message], summary: inout HDF5ObjectSummary) throws(HDF5FormatProblem) {
        let shape = try checkShape(messages)
        for message in messages {
            let type = message.type
            if type == Kind.datatype || type == Kind.dataspace || type == Kind.layout { continue }
            if type == Kind.attribute || type == Kind.attributeInfo {
                var body = message.body
                do throws(HDF5FormatProblem) {
                    try checkFlags(message)
                    if type == Kind.attribute { try checkAttribute(&body) } else { try checkAttributeInfo(&body) }
                } catch {
                    summary.attributeProblem = summary.attributeProblem ?? error
                }
                continue
            }
            try checkFlags(message)
            try checkMessage(message, datatype: shape.datatype, chunkElements: shape.chunkElements)
        }
    }

    /// The datatype and dataspace messages first, then the layout (checked against them; the
    /// filter check needs its chunk size).
    private func checkShape(_ messages: [Message]) throws(HDF5FormatProblem) -> (datatype: CheckedType?, chunkElements: UInt64?) {
        var datatype: CheckedType?
        var extent: [UInt64]?
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
        var chunkElements: UInt64?
        for message in messages where message.type == Kind.layout {
            try checkFlags(message)
            var body = message.body
            let elements = try withContext("layout message") { () throws(HDF5FormatProblem) in
                try checkLayout(&body, datatype: datatype, extent: extent)
            }
            chunkElements = chunkElements ?? elements
        }
        return (datatype, chunkElements)
    }

    /// One message other than the shape's and the attributes'.
    private func checkMessage(_ message: Message, datatype: CheckedType?, chunkElements: UInt64?) throws(HDF5FormatProblem) {
        var body = message.body
        let type = message.type
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
            if let datatype, size != 0, Int(size) != datatype.size {
                throw .corrupt("\(size)-byte fill value for a \(datatype.size)-byte type")
            }
        case Kind.fill:
            try withContext("fill value message") { () throws(HDF5FormatProblem) in try checkFillValue(&body, datatype: datatype) }
        case Kind.filters:
            try withContext("filter pipeline message") { () throws(HDF5FormatProblem) in
                try checkFilters(&body, datatype: datatype, chunkElements: chunkElements)
            }
        case Kind.externalFiles:
            throw .unsupported("external data files")
        case Kind.bogus, Kind.sharedMessageTable, Kind.driverInfo, Kind.fileSpaceInfo, Kind.cacheImage:
            throw .unsupported("header message type \(type) in an object header")
        default:
            // libhdf5 keeps messages it does not know as raw bytes (or refuses the object if
            // bit 7, "fail if unknown", is set) and never decodes them.
            break
        }
    }

    /// Message flags: no unknown bits, and no shared messages (their content lives elsewhere).
    func checkFlags(_ message: Message) throws(HDF5FormatProblem) {
        guard message.flags & 0x02 == 0 else { throw .unsupported("shared header message (type \(message.type))") }
        guard message.flags & 0x80 == 0 || message.type <= Kind.cacheImage else {
            throw .unsupported("unknown header message type \(message.type)")
        }
    }

    func checkVersion(_ body: inout HDF5Cursor, _ versions: [UInt8], _ what: String) throws(HDF5FormatProblem) {
        let version = try body.u8("\(what) version")
        guard versions.contains(version) else { throw .unsupported("\(what) message version \(version)") }
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
