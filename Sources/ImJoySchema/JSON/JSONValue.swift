import OrderedCollections

/// An object of ``JSONValue``s that keeps its keys in the order they were written.
public typealias JSONObject = OrderedDictionary<String, JSONValue>

/// One JSON value, the project's common currency: plugin configs, schemas, workflow files,
/// op data and results are all `JSONValue`s.
///
/// It distinguishes integers from floating-point numbers (JSON Schema's `integer` type and
/// canonical hashing need that), keeps object keys in document order, and has one extension
/// beyond JSON: ``bytes(_:)``, a binary payload as imjoy-rpc carries it (`_rvalue` of an
/// n-dimensional array, `memoryview`, `bytes`). Encoded as JSON, bytes become base64 text.
///
/// Equality follows JSON Schema: numbers compare by value (`1 == 1.0`), objects ignore key order.
public enum JSONValue: Sendable {
    case null
    case bool(Bool)
    /// A number written without fraction or exponent that fits in 64 bits.
    case integer(Int64)
    /// Any other number.
    case number(Double)
    case string(String)
    case array([JSONValue])
    case object(JSONObject)
    /// A binary payload (imjoy-rpc `bytes`/`memoryview`, or the `_rvalue` of an ndarray).
    case bytes(JSONBytes)
}

// MARK: - Accessors

extension JSONValue {
    /// The JSON Schema type name of this value (`"integer"` for integers, `"number"` otherwise).
    public var typeName: String {
        switch self {
        case .null: "null"
        case .bool: "boolean"
        case .integer: "integer"
        case .number: "number"
        case .string: "string"
        case .array: "array"
        case .object: "object"
        case .bytes: "bytes"
        }
    }

    public var isNull: Bool { if case .null = self { true } else { false } }

    public var boolValue: Bool? { if case .bool(let b) = self { b } else { nil } }

    public var stringValue: String? { if case .string(let s) = self { s } else { nil } }

    public var arrayValue: [JSONValue]? { if case .array(let a) = self { a } else { nil } }

    public var objectValue: JSONObject? { if case .object(let o) = self { o } else { nil } }

    public var bytesValue: JSONBytes? { if case .bytes(let b) = self { b } else { nil } }

    /// The value as a `Double` when it is a number of either kind.
    public var doubleValue: Double? {
        switch self {
        case .integer(let i): Double(i)
        case .number(let d): d
        default: nil
        }
    }

    /// The value as an `Int` when it is an integer, or a floating-point number with no fraction.
    public var intValue: Int? {
        switch self {
        case .integer(let i): Int(exactly: i)
        case .number(let d): d.isFinite && d.rounded() == d ? Int(exactly: d) : nil
        default: nil
        }
    }

    /// Whether this value is a number (integer or floating point).
    public var isNumber: Bool {
        switch self {
        case .integer, .number: true
        default: false
        }
    }

    /// The member `key` of an object, or `nil`.
    public subscript(key: String) -> JSONValue? {
        if case .object(let o) = self { return o[key] }
        return nil
    }

    /// The element at `index` of an array, or `nil`.
    public subscript(index: Int) -> JSONValue? {
        if case .array(let a) = self, a.indices.contains(index) { return a[index] }
        return nil
    }
}

// MARK: - Literals

extension JSONValue: ExpressibleByNilLiteral, ExpressibleByBooleanLiteral, ExpressibleByIntegerLiteral,
    ExpressibleByFloatLiteral, ExpressibleByStringLiteral, ExpressibleByArrayLiteral,
    ExpressibleByDictionaryLiteral
{
    public init(nilLiteral: ()) { self = .null }
    public init(booleanLiteral value: Bool) { self = .bool(value) }
    public init(integerLiteral value: Int64) { self = .integer(value) }
    public init(floatLiteral value: Double) { self = .number(value) }
    public init(stringLiteral value: String) { self = .string(value) }
    public init(arrayLiteral elements: JSONValue...) { self = .array(elements) }
    public init(dictionaryLiteral elements: (String, JSONValue)...) {
        var object = JSONObject(minimumCapacity: elements.count)
        for (key, value) in elements { object[key] = value }
        self = .object(object)
    }
}

// MARK: - Equality (JSON Schema semantics)

extension JSONValue: Equatable {
    public static func == (lhs: JSONValue, rhs: JSONValue) -> Bool {
        switch (lhs, rhs) {
        case (.null, .null): return true
        case (.bool(let a), .bool(let b)): return a == b
        case (.integer(let a), .integer(let b)): return a == b
        case (.integer(let a), .number(let b)), (.number(let b), .integer(let a)):
            return Double(a) == b && Int64(exactly: b) == a
        case (.number(let a), .number(let b)): return a == b
        // Code point equality: JSON Schema does not treat canonically equivalent strings as equal.
        case (.string(let a), .string(let b)): return a.utf8.elementsEqual(b.utf8)
        case (.array(let a), .array(let b)): return a == b
        case (.object(let a), .object(let b)):
            guard a.count == b.count else { return false }
            for (key, value) in a {
                guard let other = b[key], other == value else { return false }
            }
            return true
        case (.bytes(let a), .bytes(let b)): return a == b
        default: return false
        }
    }
}

extension JSONValue: Hashable {
    public func hash(into hasher: inout Hasher) {
        switch self {
        case .null: hasher.combine(0)
        case .bool(let b): hasher.combine(b)
        case .integer(let i): hasher.combine(Double(i))
        case .number(let d): hasher.combine(d)
        case .string(let s): hasher.combine(s)
        case .array(let a): hasher.combine(a)
        case .object(let o):
            // Order-independent: combine a commutative sum of per-member hashes.
            var sum = 0
            for (key, value) in o {
                var member = Hasher()
                member.combine(key)
                member.combine(value)
                sum &+= member.finalize()
            }
            hasher.combine(o.count)
            hasher.combine(sum)
        case .bytes(let b): hasher.combine(b)
        }
    }
}

extension JSONValue: CustomStringConvertible {
    /// Compact JSON text, keys in document order.
    public var description: String { serialized() }
}
