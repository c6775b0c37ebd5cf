import Yams

/// A YAML document that could not be read, with the position Yams reported.
public struct YAMLSyntaxError: Error, CustomStringConvertible, Sendable {
    public var message: String
    public var description: String { message }
}

extension JSONValue {
    /// The most values one YAML document may expand to. Aliases repeat the anchored value, so a
    /// few hundred bytes of nested aliases ("billion laughs") would otherwise expand to billions
    /// of values; a document over the limit is refused while it is converted.
    public static let maximumYAMLValues = 1_000_000

    /// Parses a YAML document (YAML 1.1 core types as Yams resolves them: `yes`/`no` stay strings,
    /// `true`/`false` are booleans, `1.0` is a float). Mapping order is kept; non-string keys are
    /// converted to their text; anchors and aliases are expanded (at most ``maximumYAMLValues``
    /// values in all); `.inf` and `.nan` stay strings.
    public init(yamlText text: String) throws(YAMLSyntaxError) {
        let node: Node?
        do {
            node = try Yams.compose(yaml: text)
        } catch {
            throw YAMLSyntaxError(message: "\(error)".replacingOccurrences(of: "\n", with: " "))
        }
        guard let node else {
            self = .null
            return
        }
        var budget = YAMLValueBudget(remaining: JSONValue.maximumYAMLValues)
        self = try JSONValue(yamlNode: node, depth: 0, budget: &budget)
    }

    private init(yamlNode node: Node, depth: Int, budget: inout YAMLValueBudget) throws(YAMLSyntaxError) {
        guard depth <= JSONValue.maximumNestingDepth else {
            throw YAMLSyntaxError(message: "nesting deeper than \(JSONValue.maximumNestingDepth) levels")
        }
        try budget.spend()
        switch node {
        case .scalar(let scalar):
            self = JSONValue(yamlScalar: scalar, tag: node.tag)
        case .sequence(let sequence):
            var array: [JSONValue] = []
            array.reserveCapacity(sequence.count)
            for element in sequence { array.append(try JSONValue(yamlNode: element, depth: depth + 1, budget: &budget)) }
            self = .array(array)
        case .mapping(let mapping):
            var object = JSONObject()
            for (key, value) in mapping {
                let name = key.scalar?.string ?? String(describing: key)
                object[name] = try JSONValue(yamlNode: value, depth: depth + 1, budget: &budget)
            }
            self = .object(object)
        case .alias:
            throw YAMLSyntaxError(message: "unresolved YAML alias")
        }
    }

    private init(yamlScalar scalar: Node.Scalar, tag: Tag) {
        let text = scalar.string
        if scalar.style != .plain && scalar.style != .any {
            self = .string(text)  // quoted or block scalars are always strings
            return
        }
        switch Tag.Name(rawValue: tag.rawValue) {
        case .null: self = .null
        case .bool:
            // YAML 1.2 core booleans only: `yes`/`no`/`on`/`off` stay strings.
            switch text {
            case "true", "True", "TRUE": self = .bool(true)
            case "false", "False", "FALSE": self = .bool(false)
            default: self = .string(text)
            }
        case .int:
            if let i = Int64(text) {
                self = .integer(i)
            } else if let i = Int.construct(from: scalar) {
                self = .integer(Int64(i))
            } else {
                self = JSONValue.finiteNumber(scalar) ?? .string(text)
            }
        case .float:
            self = JSONValue.finiteNumber(scalar) ?? .string(text)
        default: self = .string(text)
        }
    }

    /// A finite YAML float; `.inf` and `.nan` have no JSON form and stay strings.
    private static func finiteNumber(_ scalar: Node.Scalar) -> JSONValue? {
        guard let double = Double.construct(from: scalar), double.isFinite else { return nil }
        return .number(double)
    }
}

/// Counts the values a YAML document expands to (``JSONValue/maximumYAMLValues``).
private struct YAMLValueBudget {
    var remaining: Int

    mutating func spend() throws(YAMLSyntaxError) {
        remaining -= 1
        guard remaining >= 0 else {
            throw YAMLSyntaxError(
                message:
                    "the document expands to more than \(JSONValue.maximumYAMLValues) values (aliases repeat their anchor's value; is this a \"billion laughs\" document?)"
            )
        }
    }
}
