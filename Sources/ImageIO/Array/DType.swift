/// The element type of an ``NDArray``; raw values are numpy's dtype names.
public enum DType: String, Sendable, CaseIterable, Hashable, CustomStringConvertible {
    case bool
    case uint8, uint16, uint32, uint64
    case int8, int16, int32, int64
    case float16, float32, float64

    /// The size of one element in bytes.
    public var byteSize: Int {
        switch self {
        case .bool, .uint8, .int8: 1
        case .uint16, .int16, .float16: 2
        case .uint32, .int32, .float32: 4
        case .uint64, .int64, .float64: 8
        }
    }

    /// Whether the type is a signed integer.
    public var isSignedInteger: Bool { [.int8, .int16, .int32, .int64].contains(self) }
    /// Whether the type is an unsigned integer (bool excluded).
    public var isUnsignedInteger: Bool { [.uint8, .uint16, .uint32, .uint64].contains(self) }
    /// Whether the type is a floating-point type.
    public var isFloatingPoint: Bool { [.float16, .float32, .float64].contains(self) }

    /// The dtype for an integer or float of `byteSize` bytes.
    public static func make(floatingPoint: Bool, signed: Bool, byteSize: Int) -> DType? {
        switch (floatingPoint, signed, byteSize) {
        case (true, _, 2): .float16
        case (true, _, 4): .float32
        case (true, _, 8): .float64
        case (false, true, 1): .int8
        case (false, true, 2): .int16
        case (false, true, 4): .int32
        case (false, true, 8): .int64
        case (false, false, 1): .uint8
        case (false, false, 2): .uint16
        case (false, false, 4): .uint32
        case (false, false, 8): .uint64
        default: nil
        }
    }

    public var description: String { rawValue }
}
