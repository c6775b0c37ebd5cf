/// A scalar in the widest form of its kind; the go-between of dtype conversion.
public enum NDScalar: Sendable, Equatable {
    case signed(Int64)
    case unsigned(UInt64)
    case real(Double)

    /// The value as a `Double` (may round 64-bit integers).
    public var doubleValue: Double {
        switch self {
        case .signed(let v): Double(v)
        case .unsigned(let v): Double(v)
        case .real(let v): v
        }
    }
}

/// A Swift type that can be an ``NDArray`` element.
public protocol NDArrayElement: Sendable {
    /// The dtype this Swift type stores.
    static var dtype: DType { get }
    /// The value as a scalar.
    var scalar: NDScalar { get }
    /// Converts `scalar` like numpy's `astype` (integers wrap, floats truncate towards zero
    /// and saturate, NaN becomes 0).
    init(scalar: NDScalar)
}

// MARK: - Integer conformances

/// Integer elements share one conversion.
public protocol NDArrayIntegerElement: NDArrayElement, FixedWidthInteger {}

extension NDArrayIntegerElement {
    public var scalar: NDScalar {
        Self.isSigned ? .signed(Int64(truncatingIfNeeded: self)) : .unsigned(UInt64(truncatingIfNeeded: self))
    }

    public init(scalar: NDScalar) {
        switch scalar {
        case .signed(let v): self.init(truncatingIfNeeded: v)
        case .unsigned(let v): self.init(truncatingIfNeeded: v)
        case .real(let v):
            if v.isNaN {
                self = 0
            } else if v < 0 || Self.isSigned {
                self.init(truncatingIfNeeded: Int64(v.clamped(-9_223_372_036_854_775_808.0, 9_223_372_036_854_774_784.0)))
            } else {
                self.init(truncatingIfNeeded: UInt64(v.clamped(0, 18_446_744_073_709_549_568.0)))
            }
        }
    }
}

extension Double {
    fileprivate func clamped(_ low: Double, _ high: Double) -> Double { Swift.min(Swift.max(self, low), high) }
}

extension UInt8: NDArrayIntegerElement { public static var dtype: DType { .uint8 } }
extension UInt16: NDArrayIntegerElement { public static var dtype: DType { .uint16 } }
extension UInt32: NDArrayIntegerElement { public static var dtype: DType { .uint32 } }
extension UInt64: NDArrayIntegerElement { public static var dtype: DType { .uint64 } }
extension Int8: NDArrayIntegerElement { public static var dtype: DType { .int8 } }
extension Int16: NDArrayIntegerElement { public static var dtype: DType { .int16 } }
extension Int32: NDArrayIntegerElement { public static var dtype: DType { .int32 } }
extension Int64: NDArrayIntegerElement { public static var dtype: DType { .int64 } }

// MARK: - Floating-point and Boolean conformances

extension Float: NDArrayElement {
    public static var dtype: DType { .float32 }
    public var scalar: NDScalar { .real(Double(self)) }
    public init(scalar: NDScalar) { self.init(scalar.doubleValue) }
}

extension Double: NDArrayElement {
    public static var dtype: DType { .float64 }
    public var scalar: NDScalar { .real(self) }
    public init(scalar: NDScalar) { self = scalar.doubleValue }
}

#if !((os(macOS) || targetEnvironment(macCatalyst)) && arch(x86_64))
    extension Float16: NDArrayElement {
        public static var dtype: DType { .float16 }
        public var scalar: NDScalar { .real(Double(self)) }
        public init(scalar: NDScalar) { self.init(scalar.doubleValue) }
    }
#endif

extension Bool: NDArrayElement {
    public static var dtype: DType { .bool }
    public var scalar: NDScalar { .unsigned(self ? 1 : 0) }
    public init(scalar: NDScalar) {
        switch scalar {
        case .signed(let v): self = v != 0
        case .unsigned(let v): self = v != 0
        case .real(let v): self = v != 0
        }
    }
}
