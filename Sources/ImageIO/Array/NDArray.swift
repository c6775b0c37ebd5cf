import Foundation

/// An n-dimensional array: a shape, a ``DType`` and one contiguous C-order buffer.
///
/// `NDArray` has value semantics with copy-on-write: copies share the ``NDArrayStorage`` until one
/// of them is mutated. Elements are stored in native (little-endian) byte order.
///
/// ```swift
/// var image = try NDArray(zeros: [2, 3], dtype: .uint16)
/// image[1, 2] = .unsigned(7)
/// let sum = image.withUnsafeBufferPointer(as: UInt16.self) { $0.reduce(0, +) }
/// ```
public struct NDArray: Sendable {
    // MARK: - Properties

    /// The extent of each dimension, slowest-varying first.
    public private(set) var shape: [Int]
    /// The element type.
    public let dtype: DType
    /// The buffer; shared between copies until one is mutated.
    public private(set) var storage: NDArrayStorage
    /// What the dimensions mean (axes, pixel sizes), when known; kept only while it has one
    /// axis per dimension (``reshaped(_:)`` drops it). Not part of `==`.
    public var metadata: ArrayMetadata? {
        get { storedMetadata.flatMap { $0.axes.count == rank ? $0 : nil } }
        set { storedMetadata = newValue }
    }
    private var storedMetadata: ArrayMetadata?

    /// The largest array ImageIO allocates: the machine's physical memory.
    public static let maximumByteCount: Int = Int(clamping: ProcessInfo.processInfo.physicalMemory)

    /// The number of elements.
    public var count: Int { shape.reduce(1, *) }
    /// The number of bytes of element data.
    public var byteCount: Int { count * dtype.byteSize }
    /// The number of dimensions.
    public var rank: Int { shape.count }

    // MARK: - Creation

    /// A zero-filled array.
    ///
    /// - Throws: ``NDArrayError`` for negative or overflowing shapes and arrays larger than
    ///   `limit` (default ``maximumByteCount``).
    public init(zeros shape: [Int], dtype: DType, limit: Int = NDArray.maximumByteCount) throws(NDArrayError) {
        let bytes = try Self.checkedByteCount(shape: shape, dtype: dtype, limit: limit)
        self.shape = shape
        self.dtype = dtype
        self.storage = try NDArrayStorage(zeroedByteCount: bytes)
    }

    /// An array over existing storage, which must hold exactly the shape's bytes.
    public init(shape: [Int], dtype: DType, storage: NDArrayStorage) throws(NDArrayError) {
        let bytes = try Self.checkedByteCount(shape: shape, dtype: dtype, limit: .max)
        guard bytes == storage.byteCount else { throw .byteCountMismatch(expected: bytes, actual: storage.byteCount) }
        self.shape = shape
        self.dtype = dtype
        self.storage = storage
    }

    /// An array holding a copy of `bytes` (native byte order, C order).
    public init(shape: [Int], dtype: DType, copying bytes: UnsafeRawBufferPointer) throws(NDArrayError) {
        try self.init(zeros: shape, dtype: dtype)
        guard bytes.count == byteCount else { throw .byteCountMismatch(expected: byteCount, actual: bytes.count) }
        if let source = bytes.baseAddress { storage.baseAddress.copyMemory(from: source, byteCount: bytes.count) }
    }

    /// An array of `elements` in C order.
    public init<T: NDArrayElement>(shape: [Int], elements: [T]) throws(NDArrayError) {
        try self.init(zeros: shape, dtype: T.dtype)
        guard elements.count == count else { throw .byteCountMismatch(expected: byteCount, actual: elements.count * T.dtype.byteSize) }
        let destination = storage.baseAddress
        elements.withUnsafeBytes { bytes in
            if let source = bytes.baseAddress { destination.copyMemory(from: source, byteCount: bytes.count) }
        }
    }

    /// Creates a zero-filled array in a new `/dev/shm/<name>` file that other processes can map.
    ///
    /// The file stays until ``NDArrayStorage/unlinkSharedMemory()`` removes it.
    public static func createShared(name: String, shape: [Int], dtype: DType) throws(NDArrayError) -> NDArray {
        let bytes = try checkedByteCount(shape: shape, dtype: dtype, limit: maximumByteCount)
        let storage = try NDArrayStorage(sharedMemoryName: name, byteCount: bytes, create: true)
        return try NDArray(shape: shape, dtype: dtype, storage: storage)
    }

    /// Maps an existing `/dev/shm/<name>` file as an array of `shape` and `dtype`.
    ///
    /// Mutations write through to the file only while the storage is not shared with another
    /// `NDArray` value (copy-on-write copies to private memory).
    public static func openShared(name: String, shape: [Int], dtype: DType) throws(NDArrayError) -> NDArray {
        let bytes = try checkedByteCount(shape: shape, dtype: dtype, limit: .max)
        let storage = try NDArrayStorage(sharedMemoryName: name, byteCount: bytes, create: false)
        return try NDArray(shape: shape, dtype: dtype, storage: storage)
    }

    /// The byte count of `shape` × `dtype`, checked for negative extents, overflow and `limit`.
    public static func checkedByteCount(shape: [Int], dtype: DType, limit: Int) throws(NDArrayError) -> Int {
        var total = dtype.byteSize
        for extent in shape {
            guard extent >= 0 else { throw .invalidShape(shape) }
            let (product, overflow) = total.multipliedReportingOverflow(by: extent)
            guard !overflow else { throw .invalidShape(shape) }
            total = product
        }
        guard total <= limit else { throw .tooLarge(byteCount: total, limit: limit) }
        return total
    }

    // MARK: - Raw access

    /// Calls `body` with the element bytes.
    public func withUnsafeBytes<R>(_ body: (UnsafeRawBufferPointer) throws -> R) rethrows -> R {
        try body(UnsafeRawBufferPointer(start: storage.baseAddress, count: byteCount))
    }

    /// Calls `body` with the mutable element bytes, copying the storage first if it is shared.
    public mutating func withUnsafeMutableBytes<R>(_ body: (UnsafeMutableRawBufferPointer) throws -> R) rethrows -> R {
        makeUnique()
        return try body(UnsafeMutableRawBufferPointer(start: storage.baseAddress, count: byteCount))
    }

    /// Calls `body` with the elements typed as `T`, which must be the array's dtype.
    public func withUnsafeBufferPointer<T: NDArrayElement, R>(
        as type: T.Type, _ body: (UnsafeBufferPointer<T>) throws -> R
    ) throws -> R {
        guard T.dtype == dtype else { throw NDArrayError.dtypeMismatch(expected: T.dtype, actual: dtype) }
        let typed = storage.baseAddress.bindMemory(to: T.self, capacity: count)
        return try body(UnsafeBufferPointer(start: typed, count: count))
    }

    /// Calls `body` with the mutable elements typed as `T`, copying shared storage first.
    public mutating func withUnsafeMutableBufferPointer<T: NDArrayElement, R>(
        as type: T.Type, _ body: (UnsafeMutableBufferPointer<T>) throws -> R
    ) throws -> R {
        guard T.dtype == dtype else { throw NDArrayError.dtypeMismatch(expected: T.dtype, actual: dtype) }
        makeUnique()
        let typed = storage.baseAddress.bindMemory(to: T.self, capacity: count)
        return try body(UnsafeMutableBufferPointer(start: typed, count: count))
    }

    /// The elements as a Swift array of `T` (the array's dtype).
    public func elements<T: NDArrayElement>(as type: T.Type) throws -> [T] {
        try withUnsafeBufferPointer(as: T.self) { Array($0) }
    }

    private mutating func makeUnique() {
        if !isKnownUniquelyReferenced(&storage) {
            // A failed copy means memory is exhausted; there is no sensible recovery mid-mutation.
            storage = try! NDArrayStorage(copying: storage)
        }
    }

    // MARK: - Element access

    /// The flat C-order offset of `indices`.
    public func flatIndex(_ indices: [Int]) throws(NDArrayError) -> Int {
        guard indices.count == shape.count else { throw .indexOutOfRange(indices, shape: shape) }
        var offset = 0
        for (index, extent) in zip(indices, shape) {
            guard index >= 0, index < extent else { throw .indexOutOfRange(indices, shape: shape) }
            offset = offset * extent + index
        }
        return offset
    }

    /// The element at `indices` as a scalar; setting converts like ``converted(to:)``.
    ///
    /// Traps when an index is out of range, like `Array`.
    public subscript(_ indices: Int...) -> NDScalar {
        get { self[flat: try! flatIndex(indices)] }
        set { self[flat: try! flatIndex(indices)] = newValue }
    }

    /// The element at a flat C-order offset as a scalar.
    public subscript(flat offset: Int) -> NDScalar {
        get {
            precondition(offset >= 0 && offset < count, "NDArray flat index out of range")
            return Self.dispatch(dtype) { (type: any NDArrayElement.Type) in
                Self.load(type, from: storage.baseAddress, at: offset)
            }
        }
        set {
            precondition(offset >= 0 && offset < count, "NDArray flat index out of range")
            makeUnique()
            let base = storage.baseAddress
            Self.dispatch(dtype) { (type: any NDArrayElement.Type) in Self.store(newValue, as: type, to: base, at: offset) }
        }
    }

    private static func load<T: NDArrayElement>(_ type: T.Type, from base: UnsafeMutableRawPointer, at offset: Int) -> NDScalar {
        base.load(fromByteOffset: offset * MemoryLayout<T>.stride, as: T.self).scalar
    }

    private static func store<T: NDArrayElement>(_ value: NDScalar, as type: T.Type, to base: UnsafeMutableRawPointer, at offset: Int) {
        base.storeBytes(of: T(scalar: value), toByteOffset: offset * MemoryLayout<T>.stride, as: T.self)
    }

    /// Calls `body` with the Swift type of `dtype`.
    static func dispatch<R>(_ dtype: DType, _ body: (any NDArrayElement.Type) throws -> R) rethrows -> R {
        switch dtype {
        case .bool: try body(Bool.self)
        case .uint8: try body(UInt8.self)
        case .uint16: try body(UInt16.self)
        case .uint32: try body(UInt32.self)
        case .uint64: try body(UInt64.self)
        case .int8: try body(Int8.self)
        case .int16: try body(Int16.self)
        case .int32: try body(Int32.self)
        case .int64: try body(Int64.self)
        case .float16: try body(Float16.self)
        case .float32: try body(Float.self)
        case .float64: try body(Double.self)
        }
    }

    // MARK: - Shape and type changes

    /// The same elements with another shape of equal element count (shares storage).
    public func reshaped(_ newShape: [Int]) throws(NDArrayError) -> NDArray {
        let bytes = try Self.checkedByteCount(shape: newShape, dtype: dtype, limit: .max)
        guard bytes == byteCount else { throw .byteCountMismatch(expected: byteCount, actual: bytes) }
        var copy = self
        copy.shape = newShape
        if newShape.count != shape.count || newShape != shape { copy.storedMetadata = nil }
        return copy
    }

    /// The elements converted to `target` like numpy's `astype` (integers wrap, floats truncate
    /// and saturate, anything non-zero is `true`).
    public func converted(to target: DType) throws(NDArrayError) -> NDArray {
        if target == dtype { return self }
        var result = try NDArray(zeros: shape, dtype: target)
        let source = storage.baseAddress
        let destination = result.storage.baseAddress
        let n = count
        Self.dispatch(dtype) { (from: any NDArrayElement.Type) in
            Self.dispatch(target) { (to: any NDArrayElement.Type) in
                Self.convert(from: from, to: to, source, destination, n)
            }
        }
        result.shape = shape
        return result
    }

    private static func convert<S: NDArrayElement, D: NDArrayElement>(
        from: S.Type, to: D.Type, _ source: UnsafeMutableRawPointer, _ destination: UnsafeMutableRawPointer, _ count: Int
    ) {
        let s = source.assumingMemoryBound(to: S.self)
        let d = destination.assumingMemoryBound(to: D.self)
        for i in 0..<count { d[i] = D(scalar: s[i].scalar) }
    }
}

// MARK: - Equatable

extension NDArray: Equatable {
    /// Arrays are equal when shape, dtype and every byte match (so NaNs with equal bits are equal).
    public static func == (lhs: NDArray, rhs: NDArray) -> Bool {
        guard lhs.shape == rhs.shape, lhs.dtype == rhs.dtype else { return false }
        if lhs.storage === rhs.storage { return true }
        return lhs.withUnsafeBytes { a in rhs.withUnsafeBytes { b in memcmp(a.baseAddress!, b.baseAddress!, a.count) == 0 } }
    }
}

// MARK: - CustomStringConvertible

extension NDArray: CustomStringConvertible {
    public var description: String { "NDArray(shape: \(shape), dtype: \(dtype))" }
}
