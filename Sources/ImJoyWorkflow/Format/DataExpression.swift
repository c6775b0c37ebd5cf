import ImJoySchema
import OrderedCollections

/// An op's `data`: literal JSON mixed with references to batch inputs and upstream results.
///
/// - `"$inputs.NAME"`: the current item's value of input `NAME`;
/// - `"$OPID"`: the result of op `OPID` for the same item; `"$OPID.a.b"`: a field of it (array
///   elements by index: `"$OPID.items.0"`);
/// - `"$$text"`: the literal string `"$text"`;
/// - any other JSON is literal; objects and arrays may mix references and literals.
public indirect enum DataExpression: Sendable, Equatable {
    case literal(JSONValue)
    case input(String)
    case result(op: String, path: [String])
    case array([DataExpression])
    case object(OrderedDictionary<String, DataExpression>)

    /// Parses `value`, turning reference strings into references.
    public init(parsing value: JSONValue) {
        switch value {
        case .string(let text) where text.hasPrefix("$$"):
            self = .literal(.string(String(text.dropFirst())))
        case .string(let text) where text.hasPrefix("$inputs."):
            self = .input(String(text.dropFirst("$inputs.".count)))
        case .string(let text) where text.hasPrefix("$") && text.count > 1:
            let parts = text.dropFirst().split(separator: ".", omittingEmptySubsequences: false).map(String.init)
            self = .result(op: parts[0], path: Array(parts.dropFirst()))
        case .array(let elements):
            let parsed = elements.map(DataExpression.init(parsing:))
            self = parsed.allSatisfy(\.isLiteral) ? .literal(value) : .array(parsed)
        case .object(let members):
            var parsed = OrderedDictionary<String, DataExpression>()
            for (key, member) in members { parsed[key] = DataExpression(parsing: member) }
            self = parsed.values.allSatisfy(\.isLiteral) ? .literal(value) : .object(parsed)
        default:
            self = .literal(value)
        }
    }

    var isLiteral: Bool {
        if case .literal = self { return true }
        return false
    }

    /// The ids of the ops whose results this expression uses, in order of appearance, unique.
    public var referencedOps: [String] {
        var ids: [String] = []
        visit { if case .result(let op, _) = $0, !ids.contains(op) { ids.append(op) } }
        return ids
    }

    /// The input names this expression uses.
    public var referencedInputs: [String] {
        var names: [String] = []
        visit { if case .input(let name) = $0, !names.contains(name) { names.append(name) } }
        return names
    }

    private func visit(_ body: (DataExpression) -> Void) {
        body(self)
        switch self {
        case .array(let elements): for element in elements { element.visit(body) }
        case .object(let members): for member in members.values { member.visit(body) }
        default: break
        }
    }

    /// Evaluates the expression for one item.
    /// - Parameters:
    ///   - inputs: The item's input values by name.
    ///   - results: The item's upstream results by op id.
    /// - Throws: ``DataExpressionError`` when a field path does not exist in a result.
    public func evaluate(inputs: [String: JSONValue], results: (String) -> JSONValue?) throws(DataExpressionError) -> JSONValue {
        switch self {
        case .literal(let value): return value
        case .input(let name):
            guard let value = inputs[name] else { throw DataExpressionError(reference: "$inputs.\(name)", reason: "no such input") }
            return value
        case .result(let op, let path):
            guard var value = results(op) else { throw DataExpressionError(reference: "$\(op)", reason: "no result") }
            for (depth, key) in path.enumerated() {
                let next: JSONValue?
                if case .array = value, let index = Int(key) { next = value[index] } else { next = value[key] }
                guard let next else {
                    let prefix = (["$\(op)"] + path.prefix(depth + 1)).joined(separator: ".")
                    throw DataExpressionError(
                        reference: prefix, reason: "the result of '\(op)' has no field '\(key)' (it is \(value.typeName))")
                }
                value = next
            }
            return value
        case .array(let elements):
            var values: [JSONValue] = []
            values.reserveCapacity(elements.count)
            for element in elements { values.append(try element.evaluate(inputs: inputs, results: results)) }
            return .array(values)
        case .object(let members):
            var object = JSONObject(minimumCapacity: members.count)
            for (key, member) in members { object[key] = try member.evaluate(inputs: inputs, results: results) }
            return .object(object)
        }
    }
}

/// A data reference that could not be evaluated for an item.
public struct DataExpressionError: Error, CustomStringConvertible, Sendable {
    public var reference: String
    public var reason: String
    /// The JSON path of the expression when it is not the op's `data` (`ops[1].answers.prompt`).
    public var path: String?

    public init(reference: String, reason: String, path: String? = nil) {
        self.reference = reference
        self.reason = reason
        self.path = path
    }

    public var description: String { (path.map { "\($0): " } ?? "") + "\(reference): \(reason)" }
}
