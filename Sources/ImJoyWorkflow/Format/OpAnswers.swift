import ImJoySchema
import OrderedCollections

/// An op's `answers`: what a person would answer to the plugin's interactive api calls, by
/// function (`prompt`, `confirm`, `showFileDialog`, `showDialog`), each a list used in call order
/// (a single answer is a list of one). Each answer may be a data expression (`"$inputs.folder"`,
/// `"$load"`), so every item gets its own (``CallFieldValues``).
public struct OpAnswers: Sendable, Equatable {
    /// The api functions that wait for a person, which `answers` may answer.
    public static let functions = ["prompt", "confirm", "showFileDialog", "showDialog"]

    /// The answers by function, in call order.
    public var byFunction: OrderedDictionary<String, [DataExpression]>

    public init(_ byFunction: OrderedDictionary<String, [DataExpression]> = [:]) {
        self.byFunction = byFunction
    }

    public var isEmpty: Bool { byFunction.isEmpty }

    /// Every expression, with its JSON path below the op (`answers.prompt[1]`).
    public var expressions: [(path: String, expression: DataExpression)] {
        byFunction.flatMap { function, list in
            list.enumerated().map { (list.count == 1 ? "answers.\(function)" : "answers.\(function)[\($0.offset)]", $0.element) }
        }
    }
}

/// An op's `function`, `args` and `kwargs`: an exported function of the plugin called instead of
/// `run`, with positional and keyword arguments (each a literal or a data expression).
public struct FunctionCall: Sendable, Equatable {
    /// The exported function's name.
    public var name: String
    /// Positional arguments; `nil` when the op gives none (the function gets the ctx).
    public var args: [DataExpression]?
    /// Keyword arguments (Python keyword arguments; a trailing object for JavaScript).
    public var kwargs: OrderedDictionary<String, DataExpression>?

    public init(name: String, args: [DataExpression]? = nil, kwargs: OrderedDictionary<String, DataExpression>? = nil) {
        self.name = name
        self.args = args
        self.kwargs = kwargs
    }

    /// Every expression, with its JSON path below the op (`args[0]`, `kwargs.x`).
    public var expressions: [(path: String, expression: DataExpression)] {
        (args ?? []).enumerated().map { ("args[\($0.offset)]", $0.element) }
            + (kwargs ?? [:]).map { ("kwargs.\($0.key)", $0.value) }
    }
}
