/// A workflow that cannot be loaded, validated or planned.
///
/// Each error names the workflow file, the op (when one is at fault) and the JSON path of the
/// offending value, e.g. `nuclei.json: op 'smooth' (ops[1].config.sigma): 80 is above the maximum 50`.
public struct WorkflowError: Error, CustomStringConvertible, Sendable, Equatable {
    /// The workflow file.
    public var file: String
    /// The op id, when an op is at fault.
    public var op: String?
    /// The JSON path of the offending value (`ops[1].config.sigma`), when known.
    public var path: String?
    /// What is wrong.
    public var message: String

    public init(file: String, op: String? = nil, path: String? = nil, message: String) {
        self.file = file
        self.op = op
        self.path = path
        self.message = message
    }

    public var description: String {
        var text = file + ":"
        if let op { text += " op '\(op)'" }
        if let path { text += op == nil ? " \(path):" : " (\(path)):" } else if op != nil { text += ":" }
        return text + " " + message
    }
}

/// Several workflow errors, reported together (validation collects them all).
public struct WorkflowErrors: Error, CustomStringConvertible, Sendable {
    public var errors: [WorkflowError]
    public init(_ errors: [WorkflowError]) { self.errors = errors }
    public var description: String { errors.map(\.description).joined(separator: "\n") }
}
