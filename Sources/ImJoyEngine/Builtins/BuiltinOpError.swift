/// Why a built-in op failed; every message starts with the op's name.
public enum BuiltinOpError: Error, CustomStringConvertible, Equatable, Sendable {
    /// No built-in op has this name.
    case unknownOp(String)
    /// A plugin op was handed to the built-in invoker.
    case pluginOp(String)
    /// The data is not what the op takes (`gaussian: expected an n-d array as data, got string`).
    case invalidData(op: String, reason: String)
    /// A config value is missing, of the wrong type or out of range.
    case invalidConfig(op: String, parameter: String, reason: String)
    /// The array cannot be processed as asked (axis out of range, empty array, …).
    case invalidArray(op: String, reason: String)
    /// An output path or dataset template leaves the out dir (absolute, `..`) or is empty.
    case unsafePath(op: String, path: String, reason: String)
    /// Reading or writing a file failed.
    case fileError(op: String, reason: String)
    /// The array is larger than the memory limit and the op needs all of it at once.
    case tooLarge(op: String, item: String, shape: [Int], dtype: String, byteCount: Int, limit: Int, reason: String)

    public var description: String {
        switch self {
        case .unknownOp(let name): "unknown built-in op '\(name)'"
        case .pluginOp(let target): "\(target): plugin ops run in a plugin host, not as built-in ops"
        case .invalidData(let op, let reason): "\(op): \(reason)"
        case .invalidConfig(let op, let parameter, let reason): "\(op): config '\(parameter)': \(reason)"
        case .invalidArray(let op, let reason): "\(op): \(reason)"
        case .unsafePath(let op, let path, let reason): "\(op): output path '\(path)' \(reason)"
        case .fileError(let op, let reason): "\(op): \(reason)"
        case .tooLarge(let op, let item, let shape, let dtype, let byteCount, let limit, let reason):
            "\(op): item \(item): the array \(shape) \(dtype) needs \(byteCount) bytes, more than the memory limit of \(limit) bytes (--memory-limit); \(reason)"
        }
    }
}
