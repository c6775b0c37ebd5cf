import ImJoySchema

extension OpDescription {
    /// The compiled `inputs` schema: a plugin's with ImJoy's normalisation (a bare properties
    /// map is wrapped, all its keys required), a built-in op's as written; `nil` when there is none.
    public func compiledInputs() throws(SchemaError) -> JSONSchema? {
        try compile(inputs)
    }

    /// The compiled `outputs` schema, normalised the same way; `nil` when there is none.
    public func compiledOutputs() throws(SchemaError) -> JSONSchema? {
        try compile(outputs)
    }

    private func compile(_ schema: JSONValue?) throws(SchemaError) -> JSONSchema? {
        guard let schema, !schema.isNull else { return nil }
        return schemasAreImJoyStyle ? try ImJoyInputs.compile(schema) : try JSONSchema(schema)
    }
}
