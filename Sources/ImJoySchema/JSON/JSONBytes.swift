/// Storage that a ``JSONBytes`` value can reference without copying.
///
/// ImageIO's n-dimensional arrays conform, so an array travels through op data as the
/// imjoy-rpc dict `{_rtype: "ndarray", _rvalue: <bytes>, ...}` while its buffer stays in place.
public protocol JSONByteStorage: AnyObject, Sendable {
    /// The number of bytes.
    var byteCount: Int { get }
    /// Calls `body` with the bytes; the pointer is valid only inside `body`.
    func withUnsafeBytes<R>(_ body: (UnsafeRawBufferPointer) throws -> R) rethrows -> R
}

/// A binary payload inside a ``JSONValue`` (imjoy-rpc `bytes`, `memoryview`, ndarray `_rvalue`).
///
/// It references a ``JSONByteStorage`` and an optional sub-range of it; equality and hashing
/// compare contents.
public struct JSONBytes: Sendable {
    /// The storage the bytes live in.
    public let storage: any JSONByteStorage
    /// The byte range within `storage`.
    public let range: Range<Int>

    /// References `storage` (all of it, or `range`) without copying.
    public init(storage: any JSONByteStorage, range: Range<Int>? = nil) {
        self.storage = storage
        self.range = range ?? 0..<storage.byteCount
    }

    /// Copies `bytes` into a new storage.
    public init<C: Collection>(_ bytes: C) where C.Element == UInt8 {
        let storage = ArrayByteStorage(Array(bytes))
        self.init(storage: storage)
    }

    /// The number of bytes.
    public var count: Int { range.count }

    /// Calls `body` with the bytes; the pointer is valid only inside `body`.
    public func withUnsafeBytes<R>(_ body: (UnsafeRawBufferPointer) throws -> R) rethrows -> R {
        try storage.withUnsafeBytes { all in
            try body(UnsafeRawBufferPointer(rebasing: all[range]))
        }
    }

    /// A copy of the bytes as an array.
    public var array: [UInt8] { withUnsafeBytes { Array($0) } }
}

extension JSONBytes: Equatable, Hashable {
    public static func == (lhs: JSONBytes, rhs: JSONBytes) -> Bool {
        guard lhs.count == rhs.count else { return false }
        if lhs.storage === rhs.storage && lhs.range == rhs.range { return true }
        return lhs.withUnsafeBytes { a in rhs.withUnsafeBytes { b in a.elementsEqual(b) } }
    }

    public func hash(into hasher: inout Hasher) {
        withUnsafeBytes { hasher.combine(bytes: $0) }
    }
}

/// A ``JSONByteStorage`` backed by a Swift array.
public final class ArrayByteStorage: JSONByteStorage {
    public let bytes: [UInt8]
    public init(_ bytes: [UInt8]) { self.bytes = bytes }
    public var byteCount: Int { bytes.count }
    public func withUnsafeBytes<R>(_ body: (UnsafeRawBufferPointer) throws -> R) rethrows -> R {
        try bytes.withUnsafeBytes(body)
    }
}
