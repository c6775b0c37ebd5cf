import ImJoySchema
import ImageIO
import Testing

@testable import ImJoyEngine

/// Bit-for-bit comparison of results and the inputs the checker makes.
struct ResultComparisonTests {
    static func array(_ values: [UInt16], shape: [Int]) throws -> JSONValue {
        try NDArray(shape: shape, elements: values).rpcValue
    }

    @Test func arraysCompareByDtypeShapeAndBytes() throws {
        let a = try Self.array([1, 2, 3, 4], shape: [2, 2])
        #expect(ResultComparison.difference(["m": a], ["m": try Self.array([1, 2, 3, 4], shape: [2, 2])]) == nil)
        #expect(
            ResultComparison.difference(["m": a], ["m": try Self.array([1, 2, 9, 4], shape: [2, 2])])
                == "m: 1 of 4 uint16 elements differ (first at flat index 2: 3 vs 9)")
        #expect(ResultComparison.difference(a, try Self.array([1, 2, 3, 4], shape: [4])) == "the result: shape [2, 2] vs [4]")
        let float = try NDArray(shape: [2, 2], elements: [Float(1), 2, 3, 4]).rpcValue
        #expect(ResultComparison.difference(a, float) == "the result: dtype uint16 vs float32")
    }

    @Test func jsonComparesCanonicallyButKeepsNumberKindsApart() throws {
        let left = try JSONValue(jsonText: #"{"a": 1, "b": [1.5, {"c": "x"}]}"#)
        #expect(ResultComparison.difference(left, try JSONValue(jsonText: #"{"b": [1.5, {"c": "x"}], "a": 1}"#)) == nil)
        #expect(
            ResultComparison.difference(left, try JSONValue(jsonText: #"{"a": 1.0, "b": [1.5, {"c": "x"}]}"#))
                == "a: integer 1 vs number 1.0")
        #expect(ResultComparison.difference(left, try JSONValue(jsonText: #"{"a": 1, "b": [1.5, {"c": "y"}]}"#)) == #"b[1].c: "x" vs "y""#)
        #expect(ResultComparison.difference(left, try JSONValue(jsonText: #"{"a": 1, "b": [1.5]}"#)) == "b: 2 items vs 1")
        #expect(ResultComparison.difference(.number(0.0), .number(-0.0)) == "the result: 0.0 vs -0.0")
    }

    @Test func generatedInputsFollowTheInputsSchema() throws {
        let schema = try JSONValue(
            jsonText:
                #"{"image": {"ndarray": {"dtype": "float32", "ndim": [3, 4]}}, "n": {"type": "integer"}, "s": {"type": "string", "default": "z"}}"#
        )
        let first = CheckInput.generated(schema: schema, seed: 1)
        let image = try NDArray(rpcValue: try #require(first["image"]))
        #expect(image.shape == [4, 32, 32] && image.dtype == .float32)
        #expect(first["n"] == .integer(1) && first["s"] == "z")
        #expect(first != CheckInput.generated(schema: schema, seed: 2))
        #expect(CheckInput.substitute(["a": ["$input", 1]], "v") == ["a": ["v", 1]])
    }
}
