/// The element types an `ndarray` may declare in `_rdtype`.
///
/// ImJoy knows nine (`int8`, `int16`, `int32`, `uint8`, `uint16`, `uint32`, `float32`,
/// `float64`, `array`); imjoy-run adds `int64`, `uint64`, `float16`, `bool`, `complex64` and
/// `complex128`, which numpy (and so imjoy-rpc's Python side) produces.
public enum NDArrayDType: String, CaseIterable, Sendable {
    case int8, int16, int32, uint8, uint16, uint32, float32, float64, array
    case int64, uint64, float16, bool, complex64, complex128

    /// ImJoy's own nine names.
    public static let imjoyNames: [String] = ["int8", "int16", "int32", "uint8", "uint16", "uint32", "float32", "float64", "array"]

    /// Bytes per element, or `nil` for `array` (a plain list).
    public var byteWidth: Int? {
        switch self {
        case .int8, .uint8, .bool: 1
        case .int16, .uint16, .float16: 2
        case .int32, .uint32, .float32: 4
        case .int64, .uint64, .float64, .complex64: 8
        case .complex128: 16
        case .array: nil
        }
    }
}
