/// A schema that cannot be compiled: a keyword with a value of the wrong type, an invalid
/// regular expression, an unresolvable `$ref`, an invalid ImJoy `file`/`ndarray` config.
///
/// It is thrown by ``JSONSchema/init(_:options:)``, like ajv's `validateSchema` failure.
public struct SchemaError: Error, CustomStringConvertible, Equatable, Sendable {
    /// Where in the schema the problem is, as a URI fragment (`#/properties/image/ndarray`).
    public var schemaPath: String
    /// What is wrong.
    public var message: String
    /// A suggestion for fixing it, when there is an obvious one.
    public var hint: String?

    public init(schemaPath: String, message: String, hint: String? = nil) {
        self.schemaPath = schemaPath
        self.message = message
        self.hint = hint
    }

    public var description: String {
        var text = "invalid schema at \(schemaPath): \(message)"
        if let hint { text += " (hint: \(hint))" }
        return text
    }
}
