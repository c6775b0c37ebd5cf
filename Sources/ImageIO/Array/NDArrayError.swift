/// Errors creating, reshaping or converting an ``NDArray``.
public enum NDArrayError: Error, CustomStringConvertible, Equatable, Sendable {
    /// A negative dimension, or a shape whose element count overflows.
    case invalidShape([Int])
    /// The array would exceed ``NDArray/maximumByteCount``.
    case tooLarge(byteCount: Int, limit: Int)
    /// The operating system refused the memory.
    case allocationFailed(byteCount: Int)
    /// An element type other than the array's dtype was requested.
    case dtypeMismatch(expected: DType, actual: DType)
    /// The data does not have the byte count the shape and dtype need.
    case byteCountMismatch(expected: Int, actual: Int)
    /// An index outside the shape.
    case indexOutOfRange([Int], shape: [Int])
    /// A `/dev/shm` file could not be created or mapped.
    case sharedMemory(name: String, reason: String)
    /// A value is not a valid imjoy-rpc ndarray dict.
    case invalidRPCValue(String)

    public var description: String {
        switch self {
        case .invalidShape(let shape): "invalid array shape \(shape)"
        case .tooLarge(let n, let limit): "array of \(n) bytes exceeds the limit of \(limit) bytes"
        case .allocationFailed(let n): "cannot allocate \(n) bytes"
        case .dtypeMismatch(let expected, let actual): "array has dtype \(actual), not \(expected)"
        case .byteCountMismatch(let expected, let actual): "expected \(expected) bytes of data, got \(actual)"
        case .indexOutOfRange(let index, let shape): "index \(index) is out of range for shape \(shape)"
        case .sharedMemory(let name, let reason): "shared memory /dev/shm/\(name): \(reason)"
        case .invalidRPCValue(let reason): "invalid ndarray value: \(reason)"
        }
    }
}
