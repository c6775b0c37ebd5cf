import ImJoySchema

/// One config parameter of a built-in op: its kind, default and limits, declared once. The op's
/// `ui` (and so workflow validation and `imjoy-run ops`) and the kernel's typed reads
/// (`BuiltinInvoker`'s config) are both made from it.
public struct BuiltinParameter: Sendable {
    /// What values the parameter takes.
    public enum Kind: Sendable, Equatable {
        /// A number in `range` (whole when `integer`); `nil` default: the kernel decides (e.g.
        /// a compression's own default level).
        case number(default: Double?, range: ClosedRange<Double>?, integer: Bool)
        /// A number, or (in direct calls) a non-empty list of numbers, each in `range`.
        case numbers(default: Double, range: ClosedRange<Double>)
        /// One of `options`.
        case choice(options: [String], default: String)
        /// `yes` or `no` (also JSON booleans and `true`/`false`).
        case yesNo(default: Bool)
        /// Free text (a path or dataset template, a region).
        case string(default: String)
    }

    /// The config key.
    public let id: String
    /// The widget label in the `ui`.
    public let label: String
    public let kind: Kind

    public init(_ id: String, _ label: String, _ kind: Kind) {
        self.id = id
        self.label = label
        self.kind = kind
    }

    /// The default as a JSON value (`nil`: none).
    public var defaultValue: JSONValue? {
        switch kind {
        case .number(let value, _, _): value.map(Self.number)
        case .numbers(let value, _): Self.number(value)
        case .choice(_, let value): .string(value)
        case .yesNo(let value): .string(value ? "yes" : "no")
        case .string(let value): .string(value)
        }
    }

    /// The `ui` widget text: `Label {id: 'x', type: 'number', placeholder: 6, min: 1, max: 22}`.
    public var uiText: String {
        var fields = ["id: '\(id)'"]
        switch kind {
        case .number(_, let range, _):
            fields += numberFields(range)
        case .numbers(_, let range):
            fields += numberFields(range)
        case .choice(let options, _):
            fields.append("type: 'choose'")
            fields.append("options: [\(options.map { "'\($0)'" }.joined(separator: ", "))]")
            fields.append("placeholder: '\(defaultValue?.stringValue ?? "")'")
        case .yesNo(let value):
            fields.append("type: 'choose'")
            fields.append(value ? "options: ['yes', 'no']" : "options: ['no', 'yes']")
            fields.append("placeholder: '\(value ? "yes" : "no")'")
        case .string(let value):
            fields.append("type: 'string'")
            fields.append("placeholder: '\(value)'")
        }
        return "\(label) {\(fields.joined(separator: ", "))}"
    }

    private func numberFields(_ range: ClosedRange<Double>?) -> [String] {
        var fields = ["type: 'number'"]
        if let value = defaultValue { fields.append("placeholder: \(value.serialized())") }
        if let range {
            fields.append("min: \(Self.number(range.lowerBound).serialized())")
            fields.append("max: \(Self.number(range.upperBound).serialized())")
        }
        return fields
    }

    /// A whole number as an integer JSON value (so `6` is not written `6.0`).
    static func number(_ value: Double) -> JSONValue {
        value.rounded() == value && abs(value) < 1e15 ? .integer(Int64(value)) : .number(value)
    }
}
