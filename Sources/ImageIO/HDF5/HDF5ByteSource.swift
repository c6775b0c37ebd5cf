import Foundation

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// The raw bytes of an HDF5 file for ``HDF5StructureCheck``: an in-memory image, or a file on
/// disk read with `pread` (only the few hundred bytes of metadata the check needs, never the data).
// @unchecked: immutable after init (an owned byte copy or a descriptor read only with `pread`).
final class HDF5ByteSource: @unchecked Sendable {
    private enum Storage {
        case memory([UInt8])
        case file(Int32)
    }

    private let storage: Storage
    /// The number of bytes in the file.
    let size: UInt64

    /// A copy of an in-memory file image.
    init(image: UnsafeRawBufferPointer) {
        storage = .memory([UInt8](image))
        size = UInt64(image.count)
    }

    /// The file at `path`, or `nil` when it cannot be opened.
    init?(path: String) {
        let descriptor = open(path, O_RDONLY | O_CLOEXEC)
        guard descriptor >= 0 else { return nil }
        var status = stat()
        guard fstat(descriptor, &status) == 0, status.st_size >= 0 else {
            close(descriptor)
            return nil
        }
        storage = .file(descriptor)
        size = UInt64(status.st_size)
    }

    deinit {
        if case .file(let descriptor) = storage { close(descriptor) }
    }

    /// `count` bytes at absolute file offset `offset`, or `nil` when they are not all in the file.
    func read(at offset: UInt64, count: Int) -> [UInt8]? {
        guard count >= 0, offset <= size, UInt64(count) <= size - offset else { return nil }
        switch storage {
        case .memory(let bytes):
            let start = Int(offset)
            return Array(bytes[start..<(start + count)])
        case .file(let descriptor):
            var buffer = [UInt8](repeating: 0, count: count)
            var done = 0
            while done < count {
                let n = buffer.withUnsafeMutableBytes { raw in
                    pread(descriptor, raw.baseAddress! + done, count - done, off_t(offset) + off_t(done))
                }
                if n < 0, errno == EINTR { continue }
                guard n > 0 else { return nil }
                done += n
            }
            return buffer
        }
    }
}

/// A bounds-checked little-endian reader over bytes of an HDF5 structure. Every read past `end`
/// throws instead of reading on, which is the point of the whole check.
struct HDF5Cursor {
    let bytes: [UInt8]
    private(set) var position: Int
    let end: Int

    init(_ bytes: [UInt8], from start: Int = 0, to end: Int? = nil) {
        self.bytes = bytes
        position = start
        self.end = min(end ?? bytes.count, bytes.count)
    }

    var remaining: Int { max(end - position, 0) }

    /// A cursor over the next `count` bytes (this one moves past them).
    mutating func sub(_ count: Int, _ what: @autoclosure () -> String) throws(HDF5FormatProblem) -> HDF5Cursor {
        guard count >= 0, count <= remaining else { throw .corrupt("\(what()) needs \(count) bytes, \(remaining) left") }
        defer { position += count }
        return HDF5Cursor(bytes, from: position, to: position + count)
    }

    mutating func skip(_ count: Int, _ what: @autoclosure () -> String) throws(HDF5FormatProblem) {
        guard count >= 0, count <= remaining else { throw .corrupt("\(what()) needs \(count) bytes, \(remaining) left") }
        position += count
    }

    mutating func u8(_ what: @autoclosure () -> String) throws(HDF5FormatProblem) -> UInt8 {
        try UInt8(uint(1, what()))
    }

    mutating func u16(_ what: @autoclosure () -> String) throws(HDF5FormatProblem) -> UInt16 {
        try UInt16(uint(2, what()))
    }

    mutating func u32(_ what: @autoclosure () -> String) throws(HDF5FormatProblem) -> UInt32 {
        try UInt32(uint(4, what()))
    }

    /// An unsigned little-endian integer of `width` bytes (1…8).
    mutating func uint(_ width: Int, _ what: @autoclosure () -> String) throws(HDF5FormatProblem) -> UInt64 {
        guard width >= 1, width <= 8, width <= remaining else {
            throw .corrupt("\(what()) needs \(width) bytes, \(remaining) left")
        }
        var value: UInt64 = 0
        for i in 0..<width { value |= UInt64(bytes[position + i]) << (8 * i) }
        position += width
        return value
    }

    /// The bytes from the current position up to (not including) `count` more.
    func peek(_ count: Int) -> ArraySlice<UInt8> {
        bytes[position..<(position + min(count, remaining))]
    }
}

/// Why ``HDF5StructureCheck`` refuses an object: a damaged structure, or one the check does not
/// accept (it accepts only what imjoy-run reads and can prove libhdf5 decodes safely).
struct HDF5FormatProblem: Error, Equatable {
    enum Kind: Equatable { case corrupt, unsupported }
    var kind: Kind
    var reason: String

    static func corrupt(_ reason: String) -> HDF5FormatProblem { .init(kind: .corrupt, reason: reason) }
    static func unsupported(_ reason: String) -> HDF5FormatProblem { .init(kind: .unsupported, reason: reason) }

    /// The same problem with `context` in front of the reason.
    func within(_ context: String) -> HDF5FormatProblem { .init(kind: kind, reason: "\(context): \(reason)") }

    /// The problem as the ``HDF5Error`` for `path` of `file`.
    func error(file: String, path: String) -> HDF5Error {
        switch kind {
        case .corrupt: .readFailed(file: file, path: path, reason: "damaged HDF5 structure: \(reason)")
        case .unsupported: .unsupported(file: file, path: path, reason: reason)
        }
    }
}

/// Bob Jenkins' lookup3 `hashlittle`, the checksum of HDF5's version-2 metadata (superblock v2/v3,
/// "OHDR"/"OCHK" object header chunks). Hand-written: libhdf5 exports `H5_checksum_lookup3`
/// but not in its public headers, and no Swift package ships it.
func hdf5Lookup3(_ bytes: ArraySlice<UInt8>, initial: UInt32 = 0) -> UInt32 {
    @inline(__always) func rot(_ x: UInt32, _ k: UInt32) -> UInt32 { (x << k) | (x >> (32 - k)) }
    var a = 0xdead_beef &+ UInt32(truncatingIfNeeded: bytes.count) &+ initial
    var b = a
    var c = a
    var index = bytes.startIndex
    var length = bytes.count
    @inline(__always) func word(_ at: Int) -> UInt32 {
        UInt32(bytes[at]) | UInt32(bytes[at + 1]) << 8 | UInt32(bytes[at + 2]) << 16 | UInt32(bytes[at + 3]) << 24
    }
    while length > 12 {
        a &+= word(index)
        b &+= word(index + 4)
        c &+= word(index + 8)
        a &-= c
        a ^= rot(c, 4)
        c &+= b
        b &-= a
        b ^= rot(a, 6)
        a &+= c
        c &-= b
        c ^= rot(b, 8)
        b &+= a
        a &-= c
        a ^= rot(c, 16)
        c &+= b
        b &-= a
        b ^= rot(a, 19)
        a &+= c
        c &-= b
        c ^= rot(b, 4)
        b &+= a
        length -= 12
        index += 12
    }
    guard length > 0 else { return c }
    // The last 1…12 bytes, zero-padded.
    var tail = [UInt8](repeating: 0, count: 12)
    for i in 0..<length { tail[i] = bytes[index + i] }
    func tailWord(_ at: Int) -> UInt32 {
        UInt32(tail[at]) | UInt32(tail[at + 1]) << 8 | UInt32(tail[at + 2]) << 16 | UInt32(tail[at + 3]) << 24
    }
    a &+= tailWord(0)
    b &+= tailWord(4)
    c &+= tailWord(8)
    c ^= b
    c &-= rot(b, 14)
    a ^= c
    a &-= rot(c, 11)
    b ^= a
    b &-= rot(a, 25)
    c ^= b
    c &-= rot(b, 16)
    a ^= c
    a &-= rot(c, 4)
    b ^= a
    b &-= rot(a, 14)
    c ^= b
    c &-= rot(b, 24)
    return c
}
