import ImJoySchema
import Testing

@Suite("JSONValue: parsing, equality, serialization")
struct JSONValueTests {
    @Test func integersAndFloatsStayDistinct() throws {
        let value = try JSONValue(jsonText: #"[1, 1.0, -0, 1e2, 9223372036854775807, 9223372036854775808]"#)
        guard case .array(let items) = value else {
            Issue.record("not an array")
            return
        }
        #expect(items[0].typeName == "integer")
        #expect(items[1].typeName == "number")
        #expect(items[3].typeName == "number")
        #expect(items[4] == .integer(Int64.max))
        #expect(items[5].typeName == "number")  // beyond Int64
        #expect(items[0] == items[1])  // JSON Schema equality
    }

    @Test func numbersBeyondDoubleAreAnErrorNotInfinity() throws {
        let error = #expect(throws: JSONSyntaxError.self) { try JSONValue(jsonText: "[1e999]") }
        #expect(error?.message == "number out of range")
        #expect(error?.column == 2)
        #expect(try JSONValue(jsonText: "1e308") == .number(1e308))
        #expect(try JSONValue(jsonText: "1e-400") == .number(0))
    }

    @Test func objectsKeepKeyOrderButCompareWithoutIt() throws {
        let a = try JSONValue(jsonText: #"{"b": 1, "a": [true, null]}"#)
        let b = try JSONValue(jsonText: #"{"a": [true, null], "b": 1.0}"#)
        #expect(a == b)
        #expect(a.hashValue == b.hashValue)
        #expect(a.objectValue.map { Array($0.keys) } == ["b", "a"])
        #expect(a.serialized() == #"{"b":1,"a":[true,null]}"#)
    }

    @Test func stringsCompareByCodePoints() {
        #expect(JSONValue.string("\u{e9}") != .string("e\u{301}"))
        #expect(JSONValue.string("é") == .string("é"))
    }

    @Test func canonicalTextSortsKeysAndIsStable() throws {
        let value = try JSONValue(jsonText: #"{"z": 0.1, "a": {"y": "x\n\"", "b": 1e-5}, "m": 2.0}"#)
        #expect(value.canonicalText == #"{"a":{"b":1e-05,"y":"x\n\""},"m":2.0,"z":0.1}"#)
        let reordered = try JSONValue(jsonText: #"{"m": 2.0, "a": {"b": 1e-5, "y": "x\n\""}, "z": 0.1}"#)
        #expect(reordered.canonicalText == value.canonicalText)
    }

    @Test(arguments: [
        #"{"a": [1, 2.5, "x", null, true, {"b": []}]}"#, #""\u00e9\ud83d\ude00\t""#, "-12.5e-3", #"[[], {}]"#,
    ])
    func roundTrips(text: String) throws {
        let value = try JSONValue(jsonText: text)
        #expect(try JSONValue(jsonText: value.serialized()) == value)
        #expect(try JSONValue(jsonText: value.serialized(.prettyPrinted)) == value)
        #expect(try JSONValue(jsonText: value.canonicalText).canonicalText == value.canonicalText)
    }

    @Test(
        arguments: [
            ("{", 1, 2), ("[1,]", 1, 4), ("{\"a\" 1}", 1, 6), ("tru", 1, 1), ("[1]\n x", 2, 2), ("\"\\x\"", 1, 2), ("01", 1, 2),
        ] as [(String, Int, Int)])
    func syntaxErrorsHaveLineAndColumn(text: String, line: Int, column: Int) {
        let error = #expect(throws: JSONSyntaxError.self) { try JSONValue(jsonText: text) }
        #expect(error?.line == line)
        #expect(error != nil && error!.column >= 1)
    }

    @Test func deepNestingIsAnErrorNotACrash() {
        let deep = String(repeating: "[", count: 100_000) + String(repeating: "]", count: 100_000)
        let error = #expect(throws: JSONSyntaxError.self) { try JSONValue(jsonText: deep) }
        #expect(error?.message.contains("nest") == true)
        let fine = String(repeating: "[", count: 100) + String(repeating: "]", count: 100)
        #expect(throws: Never.self) { try JSONValue(jsonText: fine) }
    }

    @Test func yamlDecodesToTheSameValues() throws {
        let yaml = try JSONValue(yamlText: "b: 1\na: [x, 2.5, true, null]\nc: 'quoted'\nd: yes\n")
        let json = try JSONValue(jsonText: #"{"b": 1, "a": ["x", 2.5, true, null], "c": "quoted", "d": "yes"}"#)
        #expect(yaml == json)
        #expect(yaml["b"]?.typeName == "integer")
        #expect(yaml.objectValue.map { Array($0.keys) } == ["b", "a", "c", "d"])
        #expect(throws: YAMLSyntaxError.self) { try JSONValue(yamlText: "a: [1, 2") }
        let special = try JSONValue(yamlText: "[.inf, -.inf, .nan, 1.5]")
        #expect(special == [".inf", "-.inf", ".nan", 1.5], "\(special)")
    }

    @Test func bytesSerializeAsBase64AndCompareByContent() throws {
        let value: JSONValue = ["_rvalue": .bytes(JSONBytes([1, 2, 3]))]
        #expect(value.serialized() == #"{"_rvalue":"AQID"}"#)
        #expect(JSONValue.bytes(JSONBytes([1, 2, 3])) == .bytes(JSONBytes([1, 2, 3])))
        #expect(JSONValue.bytes(JSONBytes([1, 2, 3])) != .bytes(JSONBytes([1, 2])))
    }
}
