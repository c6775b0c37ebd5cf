import Foundation
import ImJoySchema
import Testing

@Suite("JSONSchema: compiling and validating")
struct JSONSchemaTests {
    static let person: JSONValue = [
        "type": "object",
        "required": ["name", "age"],
        "properties": [
            "name": ["type": "string", "minLength": 1],
            "age": ["type": "integer", "minimum": 0],
            "tags": ["type": "array", "items": ["type": "string"]],
        ],
        "additionalProperties": false,
    ]

    @Test func validInstanceHasNoErrors() throws {
        let schema = try JSONSchema(Self.person)
        let result = schema.validate(["name": "Ada", "age": 36, "tags": ["x"]])
        #expect(result.isValid)
        #expect(result.errors.isEmpty)
        #expect(schema.isValid(["name": "Ada", "age": 36.0]))
    }

    @Test func errorsCarryInstancePointerSchemaPathAndMessage() throws {
        let schema = try JSONSchema(Self.person)
        let result = schema.validate(["name": "Ada", "age": -1, "tags": ["ok", 7]])
        #expect(!result.isValid)
        let age = try #require(result.errors.first { $0.keyword == "minimum" })
        #expect(age.instancePath == "/age")
        #expect(age.schemaPath == "#/properties/age/minimum")
        #expect(age.message == "expected a number >= 0, got -1")
        #expect(age.description == "/age: expected a number >= 0, got -1")
        let tag = try #require(result.errors.first { $0.keyword == "type" })
        #expect(tag.instancePath == "/tags/1")
        #expect(tag.schemaPath == "#/properties/tags/items/type")
        #expect(tag.message == "expected string, got integer")
    }

    @Test func allErrorsAreCollectedNotOnlyTheFirst() throws {
        let schema = try JSONSchema(Self.person)
        let result = schema.validate(["age": "old", "extra": true])
        let keywords = Set(result.errors.map(\.keyword))
        #expect(keywords == ["type", "false", "required"])
        #expect(result.errors.contains { $0.message == "missing required property \"name\"" && $0.instancePath == "" })
        #expect(result.errors.contains { $0.instancePath == "/extra" && $0.schemaPath == "#/additionalProperties" })
    }

    @Test func errorCollectionStopsAtTheLimit() throws {
        let schema = try JSONSchema(["items": ["type": "string"]])
        let instance = JSONValue.array((0..<50).map { JSONValue.integer(Int64($0)) })
        let limited = schema.validate(instance, options: ValidationOptions(maximumErrors: 5))
        #expect(limited.errors.count == 5)
        #expect(limited.isTruncated)
        let all = schema.validate(instance)
        #expect(all.errors.count == 50)
        #expect(!all.isTruncated)
    }

    @Test func escapedKeysInPointers() throws {
        let schema = try JSONSchema(["properties": ["a/b~c": ["type": "string"]]])
        let error = try #require(schema.validate(["a/b~c": 1]).errors.first)
        #expect(error.instancePath == "/a~1b~0c")
        #expect(error.schemaPath == "#/properties/a~1b~0c/type")
    }

    @Test func anyOfReportsBranchErrorsAndItsOwn() throws {
        let schema = try JSONSchema(["anyOf": [["type": "string"], ["type": "integer", "minimum": 10]]])
        let result = schema.validate(3)
        #expect(result.errors.map(\.schemaPath) == ["#/anyOf/0/type", "#/anyOf/1/minimum", "#/anyOf"])
    }

    @Test func refErrorsUseTheTargetsSchemaPath() throws {
        let schema = try JSONSchema([
            "definitions": ["positive": ["type": "number", "exclusiveMinimum": 0]],
            "properties": ["x": ["$ref": "#/definitions/positive"]],
        ])
        let error = try #require(schema.validate(["x": 0]).errors.first)
        #expect(error.instancePath == "/x")
        #expect(error.schemaPath == "#/definitions/positive/exclusiveMinimum")
    }

    @Test func recursiveSchemasValidateNestedData() throws {
        let tree: JSONValue = [
            "type": "object",
            "properties": ["value": ["type": "integer"], "children": ["type": "array", "items": ["$ref": "#"]]],
        ]
        let schema = try JSONSchema(tree)
        #expect(schema.isValid(["value": 1, "children": [["value": 2, "children": [["value": 3]]]]]))
        let error = try #require(schema.validate(["children": [["children": [["value": "x"]]]]]).errors.first)
        #expect(error.instancePath == "/children/0/children/0/value")
    }

    @Test func aRefCycleThatNeverConsumesTheInstanceFailsInsteadOfCrashing() throws {
        let schema = try JSONSchema([
            "definitions": ["a": ["$ref": "#/definitions/b"], "b": ["$ref": "#/definitions/a"]],
            "$ref": "#/definitions/a",
        ])
        let result = schema.validate(1)
        #expect(!result.isValid)
        #expect(result.errors.first?.message.contains("nested deeper") == true)
    }

    @Test func registeredDocumentsResolveRemoteRefsWithoutNetwork() throws {
        let remote: JSONValue = ["$id": "https://example.org/int.json", "type": "integer"]
        let options = CompileOptions(documents: ["": remote])
        let schema = try JSONSchema(["$ref": "https://example.org/int.json"], options: options)
        #expect(schema.isValid(1))
        #expect(!schema.isValid("1"))
        let unknown = try #require(throws: SchemaError.self) { try JSONSchema(["$ref": "https://example.org/other.json"]) }
        #expect(unknown.message.hasPrefix("cannot resolve $ref"))
        #expect(unknown.schemaPath == "#/$ref")
    }

    @Test func metaSchemaIsBuiltIn() throws {
        let schema = try JSONSchema(["$ref": "http://json-schema.org/draft-07/schema#"])
        #expect(schema.isValid(["type": "string"]))
        #expect(!schema.isValid(["type": 12]))
        #expect(!schema.isValid(["minLength": -1]))
    }

    @Test func formatsAreAssertedByDefaultAndCanBeAnnotations() throws {
        let schema: JSONValue = ["format": "date"]
        #expect(!(try JSONSchema(schema)).isValid("2024-02-30"))
        #expect((try JSONSchema(schema)).isValid("2024-02-29"))
        #expect((try JSONSchema(schema, options: CompileOptions(validatesFormats: false))).isValid("nope"))
    }

    @Test func lengthsCountCodePoints() throws {
        let schema = try JSONSchema(["minLength": 2, "maxLength": 2])
        #expect(schema.isValid("💩💩"))
        #expect(!schema.isValid("💩"))
        #expect(schema.isValid("e\u{301}"))  // two code points, one grapheme
    }

    @Test func hugeLimitsDoNotOverflow() throws {
        let schema = try JSONSchema(["minLength": .integer(Int64.max), "minItems": .integer(Int64.max), "multipleOf": 1e-300])
        #expect(!schema.isValid("abc"))
        #expect(!schema.isValid([1]))
        #expect(schema.validate(1e300).errors.count <= 1)
    }

    @Test func schemaFromYAMLText() throws {
        let schema = try JSONSchema(text: "type: object\nrequired: [a]\n")
        #expect(schema.isValid(["a": 1]))
        #expect(!schema.isValid([:]))
    }
}

@Suite("JSONSchema: invalid schemas")
struct SchemaErrorTests {
    @Test(
        arguments: [
            (["type": "strin"] as JSONValue, "#/type"),
            (["type": 3], "#/type"),
            (["minLength": -1], "#/minLength"),
            (["minLength": 1.5], "#/minLength"),
            (["maximum": "10"], "#/maximum"),
            (["multipleOf": 0], "#/multipleOf"),
            (["pattern": "^(abc"], "#/pattern"),
            (["pattern": "\\a"], "#/pattern"),
            (["patternProperties": ["[": true]], "#/patternProperties"),
            (["required": "a"], "#/required"),
            (["required": ["a", "a"]], "#/required"),
            (["properties": ["a": 3]], "#/properties/a"),
            (["allOf": []], "#/allOf"),
            (["items": [1]], "#/items/0"),
            (["items": []], "#/items"),
            (["type": []], "#/type"),
            (["$ref": "a b"], "#/$ref"),
            (["$id": "http://exa mple.org/"], "#/$id"),
            (["$schema": "draft-07"], "#/$schema"),
            (["enum": 3], "#/enum"),
            (["$ref": "#/definitions/missing"], "#/$ref"),
            (["$ref": 5], "#/$ref"),
            (["uniqueItems": "yes"], "#/uniqueItems"),
            (["dependencies": ["a": [1]]], "#/dependencies"),
            (["definitions": ["x": ["type": "nope"]]], "#/definitions/x/type"),
            (7, "#"),
        ] as [(JSONValue, String)])
    func invalidSchemaThrowsWithPath(schema: JSONValue, path: String) {
        let error = #expect(throws: SchemaError.self) { try JSONSchema(schema) }
        #expect(error?.schemaPath == path)
    }

    @Test func draft03RequiredTrueHasAHint() throws {
        let error = try #require(throws: SchemaError.self) {
            try JSONSchema(["properties": ["a": ["type": "string", "required": true]]])
        }
        #expect(error.schemaPath == "#/properties/a/required")
        #expect(error.hint?.contains("Draft-03") == true)
        #expect(error.description.contains("hint:"))
    }

    @Test func aProgrammaticallyDeepSchemaIsAnErrorNotAStackOverflow() throws {
        var schema: JSONValue = true
        for _ in 0..<5000 { schema = ["not": schema] }
        let error = try #require(throws: SchemaError.self) { try JSONSchema(schema) }
        #expect(error.message.contains("too deeply nested"))
    }

    @Test func keywordsBesideRefAreIgnoredButMustStillBeValid() throws {
        let schema = try JSONSchema(["definitions": ["s": ["type": "string"]], "$ref": "#/definitions/s", "minLength": 5])
        #expect(schema.isValid("abc"))  // draft-07: siblings of $ref are ignored
        let error = try #require(throws: SchemaError.self) { try JSONSchema(["$ref": "#", "type": 5]) }
        #expect(error.schemaPath == "#/type")
        #expect(error.message.contains("meta-schema"))
    }

    @Test func fairlyDeepSchemasCompile() throws {
        var schema: JSONValue = ["type": "integer"]
        for _ in 0..<150 { schema = ["type": "object", "properties": ["child": schema]] }
        var instance: JSONValue = 1
        for _ in 0..<150 { instance = ["child": instance] }
        #expect(try JSONSchema(schema).isValid(instance))
    }

    @Test func unknownKeywordsAreIgnored() throws {
        let schema = try JSONSchema(["x-custom": ["anything": 1], "type": "string"])
        #expect(schema.isValid("a"))
    }
}
