import ImJoySchema

/// An op's `answers`, `args` and `kwargs` evaluated for one item: every data expression
/// (`$inputs.NAME`, `$OPID`, `$OPID.field`) replaced by the item's value.
public struct CallFieldValues: Sendable, Equatable {
    /// The answers by api function, in call order.
    public var answers: [String: [JSONValue]]
    /// The function's positional arguments (`nil` when the op gives none).
    public var args: [JSONValue]?
    /// The function's keyword arguments (`nil` when the op gives none).
    public var kwargs: JSONObject?

    public init(answers: [String: [JSONValue]] = [:], args: [JSONValue]? = nil, kwargs: JSONObject? = nil) {
        self.answers = answers
        self.args = args
        self.kwargs = kwargs
    }

    /// Evaluates `spec`'s answers and arguments for one item.
    /// - Parameters:
    ///   - inputs: The item's input values by name.
    ///   - results: The item's upstream results by op id (`nil`: none).
    /// - Throws: ``DataExpressionError`` with the JSON path of the entry (`answers.prompt[1]`,
    ///   `args[0]`, `kwargs.x`) when a reference cannot be evaluated.
    public init(evaluating spec: OpSpec, inputs: [String: JSONValue], results: (String) -> JSONValue?) throws(DataExpressionError) {
        func value(_ expression: DataExpression, _ path: String) throws(DataExpressionError) -> JSONValue {
            do {
                return try expression.evaluate(inputs: inputs, results: results)
            } catch {
                var located = error
                located.path = "\(spec.jsonPath).\(path)"
                throw located
            }
        }
        var answers: [String: [JSONValue]] = [:]
        for (function, list) in spec.answers.byFunction {
            var values: [JSONValue] = []
            for (index, expression) in list.enumerated() {
                values.append(try value(expression, list.count == 1 ? "answers.\(function)" : "answers.\(function)[\(index)]"))
            }
            answers[function] = values
        }
        self.answers = answers
        if let list = spec.function?.args {
            var args: [JSONValue] = []
            for (index, expression) in list.enumerated() { args.append(try value(expression, "args[\(index)]")) }
            self.args = args
        }
        if let members = spec.function?.kwargs {
            var kwargs = JSONObject()
            for (key, expression) in members { kwargs[key] = try value(expression, "kwargs.\(key)") }
            self.kwargs = kwargs
        }
    }
}

extension OpSpec {
    /// Whether the op has `answers` or a `function` (whose values are evaluated per item).
    public var hasCallFields: Bool { !answers.isEmpty || function != nil }

    /// Every expression of `answers`, `args` and `kwargs`, with its JSON path below the op.
    public var callExpressions: [(path: String, expression: DataExpression)] {
        answers.expressions + (function?.expressions ?? [])
    }

    /// The ops whose results `answers`, `args` and `kwargs` use, in order of appearance, unique.
    public var callSourceOps: [String] {
        var ids: [String] = []
        for (_, expression) in callExpressions { for id in expression.referencedOps where !ids.contains(id) { ids.append(id) } }
        return ids
    }
}
