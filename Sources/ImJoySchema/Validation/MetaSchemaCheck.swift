/// Checks schemas against the draft-07 meta-schema, as ajv's `validateSchema` does.
///
/// The meta-schema used here also accepts imjoy-run's `"url"` type; ImJoy's `file` and `ndarray`
/// keywords are unknown to it and so unconstrained (the compiler checks them).
enum MetaSchemaCheck {
    /// The draft-07 meta-schema with `"url"` added to the simple types, compiled once.
    static let validator: JSONSchema = {
        var meta = BuiltInSchemas.draft07MetaSchema
        if case .object(var root) = meta, case .object(var definitions)? = root["definitions"],
            case .object(var simpleTypes)? = definitions["simpleTypes"], case .array(var names)? = simpleTypes["enum"]
        {
            names.append("url")
            simpleTypes["enum"] = .array(names)
            definitions["simpleTypes"] = .object(simpleTypes)
            root["definitions"] = .object(definitions)
            meta = .object(root)
        }
        do {
            return try JSONSchema(meta, options: .default, checksMetaSchema: false)
        } catch {
            preconditionFailure("the built-in draft-07 meta-schema does not compile: \(error)")
        }
    }()

    /// Throws the first way `schema` breaks the meta-schema.
    static func check(_ schema: JSONValue) throws(SchemaError) {
        let result = validator.validate(schema, options: ValidationOptions(maximumErrors: 20, maximumDepth: 1500))
        guard !result.isValid else { return }
        // anyOf/oneOf list their branches' errors first; the most specific one is the first.
        let error = result.errors[0]
        throw SchemaError(
            schemaPath: "#" + error.instancePath,
            message: "does not match the draft-07 meta-schema: \(error.message)")
    }
}
