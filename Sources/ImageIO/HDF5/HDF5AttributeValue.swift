import ImJoySchema

/// The value of an HDF5 attribute as ImageIO writes and reads it.
public enum HDF5AttributeValue: Sendable, Equatable {
    /// A variable-length UTF-8 string (h5py reads `str`).
    case string(String)
    /// A 64-bit signed integer.
    case integer(Int64)
    /// A 64-bit float.
    case number(Double)
    /// A 1-d array of 64-bit signed integers.
    case integers([Int64])
    /// A 1-d array of 64-bit floats.
    case numbers([Double])
    /// A 1-d array of variable-length UTF-8 strings.
    case strings([String])

    /// Maps a JSON value to the closest attribute: strings, numbers and homogeneous arrays of them
    /// natively, booleans as 0/1, anything else (objects, mixed arrays, null) as its JSON text.
    public init(_ value: JSONValue) {
        switch value {
        case .string(let s): self = .string(s)
        case .integer(let i): self = .integer(i)
        case .number(let d): self = .number(d)
        case .bool(let b): self = .integer(b ? 1 : 0)
        case .array(let items) where !items.isEmpty && items.allSatisfy({ if case .integer = $0 { true } else { false } }):
            self = .integers(items.compactMap { if case .integer(let i) = $0 { i } else { nil } })
        case .array(let items) where !items.isEmpty && items.allSatisfy(\.isNumber):
            self = .numbers(items.compactMap(\.doubleValue))
        case .array(let items) where !items.isEmpty && items.allSatisfy({ $0.stringValue != nil }):
            self = .strings(items.compactMap(\.stringValue))
        default: self = .string(value.serialized())
        }
    }

    /// The value as JSON.
    public var jsonValue: JSONValue {
        switch self {
        case .string(let s): .string(s)
        case .integer(let i): .integer(i)
        case .number(let d): .number(d)
        case .integers(let a): .array(a.map { .integer($0) })
        case .numbers(let a): .array(a.map { .number($0) })
        case .strings(let a): .array(a.map { .string($0) })
        }
    }
}
