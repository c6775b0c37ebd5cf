/// A compiled JSON Schema (draft-07 plus ImJoy's `file`, `ndarray` and imjoy-run's `url`
/// keywords): compile once, validate many times, from any number of threads.
///
/// ```swift
/// let schema = try JSONSchema(["type": "object", "required": ["image"],
///                              "properties": ["image": ["ndarray": ["dtype": "uint16", "ndim": 2]]]])
/// let result = schema.validate(instance)
/// for error in result.errors { print(error) }  // "/image: expected an ndarray with dtype uint16, got float32"
/// ```
///
/// Compiling checks the schema (keyword value types, regular expressions, `$ref` targets,
/// ImJoy keyword configs) and throws ``SchemaError`` for an invalid one. `$ref` resolves within
/// the schema, to the draft-07 meta-schema, and to documents passed in
/// ``CompileOptions/documents``; nothing is fetched from the network.
public struct JSONSchema: Sendable {
    /// The schema as written.
    public let source: JSONValue
    private let root: SchemaNode
    /// Every compiled node; keeps `$ref` targets (which may form cycles) alive.
    private let nodes: [SchemaNode]

    /// Compiles `schema`.
    ///
    /// - Throws: ``SchemaError`` when the schema is invalid.
    public init(_ schema: JSONValue, options: CompileOptions = .default) throws(SchemaError) {
        try self.init(schema, options: options, checksMetaSchema: true)
    }

    /// Compiles `schema`; with `checksMetaSchema`, a schema that compiles must also satisfy the
    /// draft-07 meta-schema (what ajv's `validateSchema` checks), which catches invalid keyword
    /// values the compiler skips (beside `$ref`, for example).
    init(_ schema: JSONValue, options: CompileOptions, checksMetaSchema: Bool) throws(SchemaError) {
        let compiler = SchemaCompiler(options: options)
        root = try compiler.compileRoot(schema)
        nodes = Array(compiler.nodes.values)
        source = schema
        if checksMetaSchema { try MetaSchemaCheck.check(schema) }
    }

    /// Parses and compiles a JSON or YAML schema text.
    public init(text: String, options: CompileOptions = .default) throws(SchemaError) {
        let value: JSONValue
        do {
            value = try JSONValue(jsonText: text)
        } catch {
            do {
                value = try JSONValue(yamlText: text)
            } catch {
                throw SchemaError(schemaPath: "#", message: "the schema is neither JSON nor YAML: \(error)")
            }
        }
        try self.init(value, options: options)
    }

    /// Validates `instance`, collecting errors up to ``ValidationOptions/maximumErrors``.
    public func validate(_ instance: JSONValue, options: ValidationOptions = .default) -> ValidationResult {
        if isValid(instance, options: options) { return .valid }
        var context = ValidationContext(isCollecting: true, options: options)
        _ = root.validate(instance, &context)
        if context.errors.isEmpty {
            // Cannot happen unless a keyword fails without reporting; never call that valid.
            return ValidationResult(errors: [
                ValidationError(instancePath: "", schemaPath: root.schemaPath, keyword: "", message: "the value does not match the schema")
            ])
        }
        return ValidationResult(errors: context.errors, isTruncated: context.isTruncated)
    }

    /// Whether `instance` is valid; faster than ``validate(_:options:)`` (stops at the first
    /// failure and builds no messages).
    public func isValid(_ instance: JSONValue, options: ValidationOptions = .default) -> Bool {
        var context = ValidationContext(isCollecting: false, options: options)
        return root.validate(instance, &context)
    }
}
