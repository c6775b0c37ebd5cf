import ImJoySchema
import Testing

@Suite("ImJoy keyword: ndarray")
struct NDArrayKeywordTests {
    static func array(_ shape: [Int], _ dtype: String, value: JSONValue? = nil) -> JSONValue {
        var object: JSONObject = ["_rtype": "ndarray", "_rshape": .array(shape.map { .integer(Int64($0)) }), "_rdtype": .string(dtype)]
        if let value { object["_rvalue"] = value }
        return .object(object)
    }

    func isValid(_ config: JSONValue, _ instance: JSONValue) throws -> Bool {
        try JSONSchema(["ndarray": config]).isValid(instance)
    }

    @Test func dtypeStringOrList() throws {
        #expect(try isValid(["dtype": "uint16"], Self.array([2, 2], "uint16")))
        #expect(try isValid(["dtype": ["uint8", "uint16"]], Self.array([2, 2], "uint16")))
        #expect(try !isValid(["dtype": "uint16"], Self.array([2, 2], "float32")))
    }

    @Test func theMessageNamesTheExpectedAndActualDtype() throws {
        let schema = try JSONSchema(["properties": ["image": ["ndarray": ["dtype": "uint16"]]]])
        let error = try #require(schema.validate(["image": Self.array([4, 4], "float32")]).errors.first)
        #expect(error.description == "/image: expected an ndarray with dtype uint16, got float32")
        #expect(error.schemaPath == "#/properties/image/ndarray")
    }

    @Test func shapeWildcards() throws {
        #expect(try isValid(["shape": [nil, nil, 3]], Self.array([10, 20, 3], "uint8")))
        #expect(try isValid(["shape": ["x", 20]], Self.array([7, 20], "uint8")))
        #expect(try !isValid(["shape": [nil, nil, 3]], Self.array([10, 20, 4], "uint8")))
        #expect(try !isValid(["shape": [nil, nil]], Self.array([10, 20, 3], "uint8")))
    }

    @Test func ndimNumberOrList() throws {
        #expect(try isValid(["ndim": 2], Self.array([3, 3], "int8")))
        #expect(try isValid(["ndim": [2, 3]], Self.array([3, 3, 3], "int8")))
        #expect(try !isValid(["ndim": [2, 3]], Self.array([3], "int8")))
        #expect(try isValid(["ndim": 0], Self.array([], "int8")))
        #expect(try !isValid(["ndim": 0], Self.array([1], "int8")))
    }

    @Test func rvalueMayBeBytesBase64OrAbsent() throws {
        #expect(try isValid([:], Self.array([2, 2], "uint16", value: .bytes(JSONBytes([UInt8](repeating: 0, count: 8))))))
        #expect(try isValid([:], Self.array([2, 2], "uint16", value: "AAAAAAAAAAA=")))
        #expect(try isValid([:], Self.array([2, 2], "uint16")))
        // Bytes that do not fit shape × dtype are not an array.
        #expect(try !isValid([:], Self.array([2, 2], "uint16", value: .bytes(JSONBytes([0, 1, 2])))))
        #expect(try !isValid([:], Self.array([2, 2], "uint16", value: 5)))
    }

    @Test func extensionDtypesAreAccepted() throws {
        for dtype in ["int64", "uint64", "float16", "bool", "complex64", "complex128"] {
            #expect(try isValid(["dtype": .string(dtype)], Self.array([1], dtype)))
        }
    }

    @Test(
        arguments: [
            nil, "image", 3, ["_rtype": "ndarray", "_rshape": [1], "_rdtype": "float128"],
            ["_rtype": "tensor", "_rshape": [1], "_rdtype": "uint8"], ["_rtype": "ndarray", "_rshape": "1", "_rdtype": "uint8"],
            ["_rtype": "ndarray", "_rshape": [-1], "_rdtype": "uint8"],
        ] as [JSONValue])
    func nonArraysFailWithoutCrashing(instance: JSONValue) throws {
        let result = try JSONSchema(["ndarray": [:]]).validate(instance)
        #expect(result.errors.first?.message.hasPrefix("expected an ndarray") == true)
    }

    @Test func invalidDtypeIsASchemaError() throws {
        let error = try #require(throws: SchemaError.self) { try JSONSchema(["ndarray": ["dtype": "uint12"]]) }
        #expect(error.message.contains("invalid dtype"))
        #expect(error.message.contains("valid types: int8,int16"))
    }

    @Test func shapeAndNdimMismatchIsASchemaError() throws {
        let error = try #require(throws: SchemaError.self) { try JSONSchema(["ndarray": ["shape": [1, 2], "ndim": 3]]) }
        #expect(error.message.contains("mismatch between shape and ndim"))
        #expect(throws: SchemaError.self) { try JSONSchema(["ndarray": ["shape": [1, 2], "ndim": [2, 3]]]) }
        #expect(throws: SchemaError.self) { try JSONSchema(["ndarray": ["shape": 2]]) }
        #expect(throws: SchemaError.self) { try JSONSchema(["ndarray": ["ndim": "2"]]) }
        #expect(throws: Never.self) { try JSONSchema(["ndarray": ["shape": [1, 2], "ndim": 2]]) }
    }
}
