/// ImJoy's normalisation of an op's `inputs` (and `outputs`) schema
/// (imjoy-core `registerOp`, src/pluginManager.js).
///
/// A schema that is not `{type: "object", properties}` or `{type: "array", items}` is a map
/// from input names to schemas and is wrapped as `{type: "object", properties: <map>}`; then every
/// property becomes required unless `required` is given.
public enum ImJoyInputs {
    /// Normalises an op's inputs schema.
    ///
    /// - Returns: the schema to compile; `null` stays `null` (the op has no inputs schema).
    /// - Throws: ``SchemaError`` when the schema is not an object, or a property uses Draft-03's
    ///   `"required": true` (with a hint to list it in `required` instead).
    public static func normalize(_ inputs: JSONValue) throws(SchemaError) -> JSONValue {
        guard case .object(var schema) = inputs else {
            if inputs.isNull { return .null }
            throw SchemaError(schemaPath: "#", message: "an inputs schema must be an object, got \(inputs.typeName)")
        }
        if !isStructured(schema) {
            schema = ["type": "object", "properties": .object(schema)]
        }
        if case .object(let properties)? = schema["properties"] {
            try rejectDraft03Required(in: properties)
            if schema["required"] == nil {
                schema["required"] = .array(properties.keys.map(JSONValue.string))
            }
        }
        return .object(schema)
    }

    /// Normalises and compiles an inputs schema.
    public static func compile(_ inputs: JSONValue, options: CompileOptions = .default) throws(SchemaError) -> JSONSchema {
        try JSONSchema(normalize(inputs), options: options)
    }

    private static func isStructured(_ schema: JSONObject) -> Bool {
        switch schema["type"] {
        case "object"?: schema["properties"] != nil
        case "array"?: schema["items"] != nil
        default: false
        }
    }

    private static func rejectDraft03Required(in properties: JSONObject) throws(SchemaError) {
        for (name, property) in properties {
            guard case .bool? = property["required"] else { continue }
            throw SchemaError(
                schemaPath: "#/properties/\(JSONPointer.escape(name))/required",
                message: "\"required\": \(property["required"]!) inside property \"\(name)\" is Draft-03 syntax",
                hint: "remove it and list \"\(name)\" in the parent's \"required\" array (all inputs are required by default)")
        }
    }
}
