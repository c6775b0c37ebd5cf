import ImJoySchema
import Testing

@Suite("ImJoy inputs normalisation")
struct ImJoyInputsTests {
    @Test func aPropertyMapIsWrappedAndEveryKeyRequired() throws {
        let normalized = try ImJoyInputs.normalize(["image": ["ndarray": ["ndim": 2]], "sigma": ["type": "number"]])
        #expect(
            normalized == [
                "type": "object",
                "properties": ["image": ["ndarray": ["ndim": 2]], "sigma": ["type": "number"]],
                "required": ["image", "sigma"],
            ])
        #expect(normalized["required"]?.arrayValue == ["image", "sigma"])  // document order
    }

    @Test func structuredSchemasAreKeptAndGetRequiredOnlyWhenAbsent() throws {
        let object: JSONValue = ["type": "object", "properties": ["a": ["type": "string"]], "required": []]
        #expect(try ImJoyInputs.normalize(object) == object)
        let implicit = try ImJoyInputs.normalize(["type": "object", "properties": ["a": ["type": "string"]]])
        #expect(implicit["required"] == ["a"])
        let array: JSONValue = ["type": "array", "items": ["type": "number"]]
        #expect(try ImJoyInputs.normalize(array) == array)
    }

    @Test func anObjectTypeWithoutPropertiesIsWrappedAsImJoyDoes() throws {
        // ImJoy wraps it too; "type" then names a property whose schema "object" is invalid.
        let normalized = try ImJoyInputs.normalize(["type": "object"])
        #expect(normalized["properties"] == ["type": "object"])
        #expect(throws: SchemaError.self) { try JSONSchema(normalized) }
    }

    @Test func draft03RequiredIsAnErrorWithAHint() throws {
        let error = try #require(throws: SchemaError.self) {
            try ImJoyInputs.normalize(["image": ["type": "string", "required": true]])
        }
        #expect(error.schemaPath == "#/properties/image/required")
        #expect(error.hint?.contains("\"required\" array") == true)
    }

    @Test func nullMeansNoSchemaAndOtherValuesAreErrors() throws {
        #expect(try ImJoyInputs.normalize(nil) == nil)
        #expect(throws: SchemaError.self) { try ImJoyInputs.normalize("image") }
    }

    @Test func compiledInputsValidateOpData() throws {
        let schema = try ImJoyInputs.compile(["sigma": ["type": "number"], "name": ["type": "string"]])
        #expect(schema.isValid(["sigma": 1.5, "name": "a"]))
        let errors = schema.validate(["sigma": 1.5]).errors
        #expect(errors.map(\.description) == ["(root): missing required property \"name\""])
    }
}
