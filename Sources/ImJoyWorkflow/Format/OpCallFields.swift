import ImJoySchema
import OrderedCollections

/// Reads an op's `answers`, `function`, `args` and `kwargs` (docs/workflow-format.md).
enum OpCallFields {
    static let keys: Set<String> = ["answers", "function", "args", "kwargs"]

    static func read(_ object: JSONObject, into spec: inout OpSpec, file: String) throws(WorkflowError) {
        let path = spec.jsonPath
        func fail(_ where: String, _ message: String) -> WorkflowError {
            WorkflowError(file: file, op: spec.id, path: "\(path).\(`where`)", message: message)
        }
        if let value = object["answers"], !value.isNull {
            guard case .object(let members) = value else {
                throw fail("answers", "must be an object of answers by api function (\(OpAnswers.functions.joined(separator: ", ")))")
            }
            var answers = OrderedDictionary<String, [DataExpression]>()
            for (function, answer) in members {
                guard OpAnswers.functions.contains(function) else {
                    throw fail(
                        "answers.\(function)",
                        "'\(function)' is not an interactive api function (answers take: \(OpAnswers.functions.joined(separator: ", ")))")
                }
                let list = answer.arrayValue ?? [answer]
                answers[function] = list.map(DataExpression.init(parsing:))
            }
            spec.answers = OpAnswers(answers)
        }
        let function = object["function"]
        guard function != nil || (object["args"] ?? .null).isNull && (object["kwargs"] ?? .null).isNull else {
            throw fail(object["args"] != nil ? "args" : "kwargs", "'args' and 'kwargs' go with 'function'")
        }
        guard let function, !function.isNull else { return }
        guard let name = function.stringValue, !name.isEmpty else {
            throw fail("function", "must be the name of a function the plugin exports")
        }
        if case .plugin(_, let op?) = spec.target {
            throw fail("function", "an op calls either a registered op ('op': '\(op)') or a function, not both")
        }
        guard case .plugin = spec.target else { throw fail("function", "'function' goes with 'plugin', not 'builtin'") }
        var call = FunctionCall(name: name)
        switch object["args"] {
        case nil, .null?: break
        case .array(let list)?: call.args = list.map(DataExpression.init(parsing:))
        default: throw fail("args", "must be a list of positional arguments")
        }
        switch object["kwargs"] {
        case nil, .null?: break
        case .object(let members)?:
            var kwargs = OrderedDictionary<String, DataExpression>()
            for (key, member) in members { kwargs[key] = DataExpression(parsing: member) }
            call.kwargs = kwargs
        default: throw fail("kwargs", "must be an object of keyword arguments")
        }
        spec.function = call
    }
}
