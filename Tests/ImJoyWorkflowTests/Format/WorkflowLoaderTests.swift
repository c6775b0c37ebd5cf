import ImJoySchema
import Testing

@testable import ImJoyWorkflow

@Suite struct WorkflowLoaderTests {
    static let example = """
        {"name": "nuclei", "version": "1.0.0",
         "plugins": {"seg": "plugins/Segment.imjoy.html@CPU"},
         "variables": {"min_area": 30},
         "inputs": {"images": {"glob": "data/*.tif"}},
         "ops": [
           {"id": "load",   "builtin": "read-tiff", "data": "$inputs.images"},
           {"id": "smooth", "builtin": "gaussian",  "config": {"sigma": 2}, "data": "$load"},
           {"id": "mask",   "builtin": "threshold", "config": {"method": "otsu"}},
           {"id": "labels", "plugin": "seg", "op": "Label", "data": {"image": "$smooth", "mask": "$mask"}},
           {"id": "save",   "builtin": "write-hdf5", "config": {"path": "{stem}.h5", "dataset": "labels"}, "data": "$labels"}]}
        """

    @Test func readsTheIssueExample() throws {
        let workflow = try WorkflowLoader.load(text: Self.example, file: "/w/nuclei.json")
        #expect(workflow.name == "nuclei")
        #expect(workflow.version == "1.0.0")
        #expect(workflow.baseDirectory == "/w")
        #expect(workflow.plugins["seg"] == .reference("plugins/Segment.imjoy.html@CPU"))
        #expect(workflow.variables["min_area"] == 30)
        #expect(workflow.inputs["images"] == .glob("data/*.tif"))
        #expect(workflow.ops.map(\.id) == ["load", "smooth", "mask", "labels", "save"])
        #expect(workflow.ops[3].target == .plugin(alias: "seg", op: "Label"))
        #expect(workflow.ops[2].data == nil)
        #expect(workflow.ops[3].data?.referencedOps == ["smooth", "mask"])
    }

    @Test func yamlAndJSONGiveTheSameWorkflow() throws {
        let yaml = """
            name: nuclei
            inputs:
              images: {files: [a.tif, b.tif]}
            ops:
              - id: load
                builtin: read-tiff
                data: $inputs.images
              - {id: smooth, builtin: gaussian, config: {sigma: 2}}
            """
        let workflow = try WorkflowLoader.load(text: yaml, file: "w.yaml", isYAML: true)
        #expect(workflow.inputs["images"] == .files(["a.tif", "b.tif"]))
        #expect(workflow.ops[0].data == .input("images"))
        #expect(workflow.ops[1].config["sigma"] == 2)
    }

    @Test func everyDataReferenceForm() {
        #expect(DataExpression(parsing: "$inputs.images") == .input("images"))
        #expect(DataExpression(parsing: "$load") == .result(op: "load", path: []))
        #expect(DataExpression(parsing: "$seg.mask") == .result(op: "seg", path: ["mask"]))
        #expect(DataExpression(parsing: "$$literal") == .literal("$literal"))
        #expect(DataExpression(parsing: ["a": 1, "b": [true]]) == .literal(["a": 1, "b": [true]]))
        let mixed = DataExpression(parsing: ["image": "$smooth", "scale": 2, "more": ["$mask.x", "$inputs.i"]])
        #expect(mixed.referencedOps == ["smooth", "mask"])
        #expect(mixed.referencedInputs == ["i"])
    }

    @Test func evaluatesReferencesForAnItem() throws {
        let expression = DataExpression(parsing: ["image": "$smooth", "first": "$list.items.0", "file": "$inputs.images", "k": 3])
        let results: [String: JSONValue] = ["smooth": "S", "list": ["items": ["x", "y"]]]
        let value = try expression.evaluate(inputs: ["images": "a.tif"]) { results[$0] }
        #expect(value == ["image": "S", "first": "x", "file": "a.tif", "k": 3])
        #expect(throws: DataExpressionError.self) {
            try DataExpression(parsing: "$smooth.nope").evaluate(inputs: [:]) { results[$0] }
        }
    }

    @Test func readsImJoySavedWorkflows() throws {
        let inner =
            #"{"type": "ops", "resetVariables": true, "ops": [{"type": "GaussianBlur", "sigma": {"value": 3, "type": "number"}}, {"type": "instructions/comment", "value": "x"}, {"type": "MorphologyTools/Dilate", "radius": {"value": 2, "type": "number"}}]}"#
        let saved: JSONValue = ["_id": "demo_workflow", "name": "demo", "workflow": .string(inner)]
        let workflow = try WorkflowLoader.load(text: saved.serialized(), file: "demo.json")
        #expect(workflow.name == "demo")
        #expect(workflow.plugins["GaussianBlur"] == .name("GaussianBlur"))
        #expect(workflow.ops.map(\.target) == [.plugin(alias: "GaussianBlur", op: nil), .plugin(alias: "MorphologyTools", op: "Dilate")])
        #expect(workflow.ops[0].config == ["sigma": 3])
        #expect(workflow.ops.allSatisfy { $0.data == nil })
    }

    @Test(arguments: [
        (#"[]"#, "must be an object"),
        (#"{"ops": [{"id": "a", "builtin": "stats"}]}"#, "name"),
        (#"{"name": "w"}"#, "ops"),
        (#"{"name": "w", "ops": [{"builtin": "stats"}]}"#, "ops[0].id"),
        (#"{"name": "w", "ops": [{"id": "a"}]}"#, "'plugin'"),
        (#"{"name": "w", "ops": [{"id": "a", "builtin": "stats", "plugin": "p"}]}"#, "not both"),
        (#"{"name": "w", "ops": [{"id": "a", "builtin": "stats", "confg": {}}]}"#, "ops[0].confg"),
        (#"{"name": "w", "ops": [{"id": "a b", "builtin": "stats"}]}"#, "letters"),
        (#"{"name": "w", "ops": [{"id": "a", "builtin": "stats", "timeout": -1}]}"#, "timeout"),
        (#"{"name": "w", "inputs": {"x": {"glb": "*.tif"}}, "ops": [{"id": "a", "builtin": "stats"}]}"#, "inputs.x"),
        (#"{"name": "w", "output": {"format": "png"}, "ops": [{"id": "a", "builtin": "stats"}]}"#, "output.format"),
        (#"{"name": "w", "ops": [{"id": "a", "builtin": "stats"}], "extra": 1}"#, "unknown field 'extra'"),
        (#"{"name": "w", "ops": [{"id": "a", "builtin": "stats"}"#, "not valid JSON"),
    ])
    func malformedWorkflowsNameTheFileAndPath(_ text: String, _ expected: String) {
        #expect {
            try WorkflowLoader.load(text: text, file: "bad.json")
        } throws: { error in
            let message = "\(error)"
            return message.hasPrefix("bad.json:") && message.contains(expected)
        }
    }
}
