import Dispatch
import Foundation
import ImageIO

/// A failure inside a kernel; the invoker prefixes the op's name.
struct KernelError: Error, CustomStringConvertible {
    var message: String
    init(_ message: String) { self.message = message }
    var description: String { message }
}

/// A numeric element type the kernels compute with: cheap conversions to `Double`/`Float` and a
/// total order. Bool arrays are handled by the kernels through their `UInt8` bytes.
protocol KernelElement: NDArrayElement, Comparable {
    var doubleValue: Double { get }
    var floatValue: Float { get }
    /// `true` only for floating-point NaN.
    var isNaNValue: Bool { get }
    /// The type's range as `Double` (floats: ±infinity).
    static var lowestValue: Double { get }
    static var highestValue: Double { get }
    /// numpy `astype` from a `Double` for floats; for integers the value is already in range and
    /// truncated towards zero by the caller's rules.
    init(converting value: Double)
    /// Integers: the value sign-extended to 64 bits; floats: unused (0).
    var wideBits: UInt64 { get }
    /// Integers: the low bits of `bits` (numpy's wrapping integer `astype`); floats: unused.
    init(truncatingWideBits bits: UInt64)
}

extension KernelElement where Self: BinaryInteger {
    var doubleValue: Double { Double(self) }
    var floatValue: Float { Float(self) }
    var isNaNValue: Bool { false }
}

extension KernelElement where Self: FixedWidthInteger {
    var wideBits: UInt64 { UInt64(truncatingIfNeeded: self) }
    init(truncatingWideBits bits: UInt64) { self.init(truncatingIfNeeded: bits) }
    static var lowestValue: Double { Double(Self.min) }
    static var highestValue: Double { Double(Self.max) }
    /// Clamps to the type's range (NaN becomes 0) and truncates towards zero.
    init(converting value: Double) {
        if value.isNaN {
            self = 0
        } else if value <= Double(Self.min) {
            self = Self.min
        } else if value >= Double(Self.max) {
            // Double(Int64.max) rounds up to 2^63, so `>=` catches the values that do not fit.
            self = Self.max
        } else {
            self = Self(value.rounded(.towardZero))
        }
    }
}

extension UInt8: KernelElement {}
extension UInt16: KernelElement {}
extension UInt32: KernelElement {}
extension UInt64: KernelElement {}
extension Int8: KernelElement {}
extension Int16: KernelElement {}
extension Int32: KernelElement {}
extension Int64: KernelElement {}

extension Float: KernelElement {
    var wideBits: UInt64 { 0 }
    init(truncatingWideBits bits: UInt64) { self = 0 }
    var doubleValue: Double { Double(self) }
    var floatValue: Float { self }
    var isNaNValue: Bool { isNaN }
    static var lowestValue: Double { -.infinity }
    static var highestValue: Double { .infinity }
    init(converting value: Double) { self.init(value) }
}

extension Double: KernelElement {
    var wideBits: UInt64 { 0 }
    init(truncatingWideBits bits: UInt64) { self = 0 }
    var doubleValue: Double { self }
    var floatValue: Float { Float(self) }
    var isNaNValue: Bool { isNaN }
    static var lowestValue: Double { -.infinity }
    static var highestValue: Double { .infinity }
    init(converting value: Double) { self = value }
}

#if !((os(macOS) || targetEnvironment(macCatalyst)) && arch(x86_64))
    extension Float16: KernelElement {
        var wideBits: UInt64 { 0 }
        init(truncatingWideBits bits: UInt64) { self = 0 }
        var doubleValue: Double { Double(self) }
        var floatValue: Float { Float(self) }
        var isNaNValue: Bool { isNaN }
        static var lowestValue: Double { -.infinity }
        static var highestValue: Double { .infinity }
        init(converting value: Double) { self.init(value) }
    }
#endif

/// Calls `body` with the Swift element type of `dtype` (`bool` as `UInt8`, its storage).
func withElementType<R>(_ dtype: DType, _ body: (any KernelElement.Type) throws -> R) rethrows -> R {
    switch dtype {
    case .bool, .uint8: try body(UInt8.self)
    case .uint16: try body(UInt16.self)
    case .uint32: try body(UInt32.self)
    case .uint64: try body(UInt64.self)
    case .int8: try body(Int8.self)
    case .int16: try body(Int16.self)
    case .int32: try body(Int32.self)
    case .int64: try body(Int64.self)
    case .float16:
        #if !((os(macOS) || targetEnvironment(macCatalyst)) && arch(x86_64))
            try body(Float16.self)
        #else
            fatalError("float16 is not available on this platform")
        #endif
    case .float32: try body(Float.self)
    case .float64: try body(Double.self)
    }
}

extension NDArray {
    /// The elements typed as `T`, which must have the array's element size and kind (bool as
    /// `UInt8`); no dtype check, the kernels dispatch on the dtype first.
    func kernelElements<T: KernelElement>(_ type: T.Type) -> UnsafeBufferPointer<T> {
        precondition(MemoryLayout<T>.stride == dtype.byteSize)
        return UnsafeBufferPointer(start: storage.baseAddress.assumingMemoryBound(to: T.self), count: count)
    }

    /// The mutable elements of a freshly created (uniquely owned) array.
    func kernelMutableElements<T: KernelElement>(_ type: T.Type) -> UnsafeMutableBufferPointer<T> {
        precondition(MemoryLayout<T>.stride == dtype.byteSize)
        return UnsafeMutableBufferPointer(start: storage.baseAddress.assumingMemoryBound(to: T.self), count: count)
    }
}

/// Wraps values (pointers into disjoint regions) handed to parallel workers, which the caller
/// guarantees touch disjoint parts; internal to the kernels.
struct UnsafeSendableBox<Value>: @unchecked Sendable {
    let value: Value
    init(value: Value) { self.value = value }
}

/// `0..<count` split into contiguous ranges of at least `minimumChunk` elements, a few per core.
func chunkRanges(_ count: Int, minimumChunk: Int = 1) -> [Range<Int>] {
    guard count > 0 else { return [] }
    let workers = ProcessInfo.processInfo.activeProcessorCount
    let chunks = max(1, min(workers * 4, count / max(minimumChunk, 1)))
    return (0..<chunks).map { count * $0 / chunks..<count * ($0 + 1) / chunks }
}

/// Runs `body(i)` for `i` in `0..<iterations` on Dispatch's pool and waits for all.
///
/// `body` may write through captured pointers as long as iterations touch disjoint memory.
func parallelFor(_ iterations: Int, _ body: (Int) -> Void) {
    runWorkers(iterations, body)  // ImageIO's concurrentPerform wrapper
}

/// Runs `body` over `0..<count` split by ``chunkRanges(_:minimumChunk:)`` in parallel.
func parallelRanges(_ count: Int, minimumChunk: Int = 1, _ body: (Range<Int>) -> Void) {
    let ranges = chunkRanges(count, minimumChunk: minimumChunk)
    parallelFor(ranges.count) { body(ranges[$0]) }
}

/// Computes one value per chunk of `0..<count` in parallel; the values come back in chunk order.
func parallelMap<Value>(_ count: Int, minimumChunk: Int = 1, _ body: (Range<Int>) -> Value) -> [Value] {
    let ranges = chunkRanges(count, minimumChunk: minimumChunk)
    let results = UnsafeMutableBufferPointer<Value?>.allocate(capacity: ranges.count)
    results.initialize(repeating: nil)
    defer {
        _ = results.deinitialize()
        results.deallocate()
    }
    let box = UnsafeSendableBox(value: results)
    parallelFor(ranges.count) { box.value[$0] = body(ranges[$0]) }
    return results.map { $0! }
}

/// The shape split around `axis`: elements before it, its extent, elements after it.
func splitShape(_ shape: [Int], axis: Int) -> (outer: Int, extent: Int, inner: Int) {
    (shape[..<axis].reduce(1, *), shape[axis], shape[(axis + 1)...].reduce(1, *))
}

extension NDArray {
    /// This array with `metadata` (what a kernel's result keeps of its input's axes and pixel
    /// sizes); dropped where it does not have one axis per dimension.
    func keeping(_ metadata: ArrayMetadata?) -> NDArray {
        var copy = self
        copy.metadata = metadata
        return copy
    }
}
