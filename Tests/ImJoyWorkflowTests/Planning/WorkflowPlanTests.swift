import Foundation
import ImJoyPlugin
import ImJoySchema
import TestSupport
import Testing

@testable import ImJoyWorkflow

@Suite struct WorkflowPlanTests {
    @Test func globIsSortedAndZipsWithCSVRows() throws {
        let directory = try Fixtures.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        for name in ["c.tif", "a.tif", "b.tif", "notes.txt"] {
            _ = FileManager.default.createFile(atPath: directory.appendingPathComponent(name).path, contents: Data([1]))
        }
        try "id,label\n1,\"first, one\"\n2,second\n3,\"say \"\"hi\"\"\"\n".write(
            to: directory.appendingPathComponent("meta.csv"), atomically: true, encoding: .utf8)
        let workflow = try WorkflowLoader.load(
            text: """
                {"name": "w", "inputs": {"images": {"glob": "*.tif"}, "meta": {"csv": "meta.csv"}, "label": {"csv": "meta.csv", "column": "label"}},
                 "ops": [{"id": "s", "builtin": "stats", "data": "$inputs.images"}]}
                """, file: directory.appendingPathComponent("w.json").path)
        let items = try BatchItems.expand(workflow)
        #expect(items.map(\.key) == ["a", "b", "c"])
        #expect(items[0].inputs["images"] == .string(directory.appendingPathComponent("a.tif").path))
        #expect(items[0].inputs["meta"] == ["id": "1", "label": "first, one"])
        #expect(items[2].inputs["label"] == "say \"hi\"")
    }

    @Test func mismatchedInputLengthsAreAnError() throws {
        let workflow = try WorkflowLoader.load(
            text: """
                {"name": "w", "inputs": {"a": [1, 2], "b": [1]}, "ops": [{"id": "s", "builtin": "stats"}]}
                """, file: "/tmp/w.json")
        #expect { try BatchItems.expand(workflow) } throws: { "\($0)".contains("a: 2, b: 1") }
    }

    @Test func emptyGlobIsAnError() throws {
        let workflow = try WorkflowLoader.load(
            text: """
                {"name": "w", "inputs": {"a": {"glob": "/nonexistent-dir/*.tif"}}, "ops": [{"id": "s", "builtin": "stats"}]}
                """, file: "/tmp/w.json")
        #expect(throws: WorkflowError.self) { try BatchItems.expand(workflow) }
    }

    @Test func literalItemsGetPaddedIndexKeys() throws {
        let values = (0..<12).map { JSONValue.integer(Int64($0)) }
        let validated = try validate(
            #"{"name": "w", "inputs": {"n": \#(JSONValue.array(values).serialized())}, "ops": [{"id": "s", "builtin": "stats"}]}"#)
        let plan = try WorkflowPlan(validated)
        #expect(plan.items.map(\.key).prefix(3) == ["00", "01", "02"])
        #expect(plan.workflowID(for: plan.items[11]) == "w-11")
        #expect(plan.taskCount == 12)
    }

    @Test func variableOverridesParseAsJSONOrString() throws {
        let validated = try validate(#"{"name": "w", "variables": {"a": 1, "b": "x"}, "ops": [{"id": "s", "builtin": "stats"}]}"#)
        let plan = try WorkflowPlan(validated, variableOverrides: [("a", "5"), ("c", "hello"), ("d", "[1,2]")])
        #expect(plan.variables == ["a": 5, "b": "x", "c": "hello", "d": [1, 2]])
    }

    @Test func dryRunNamesParallelAndSerialOps() throws {
        let validated = try validate(
            """
            {"name": "w", "plugins": {"count": "../samples/plugins/CellCounter.imjoy.html"}, "inputs": {"n": [1, 2]},
             "ops": [{"id": "t", "builtin": "threshold"}, {"id": "c", "plugin": "count"}]}
            """)
        let text = try WorkflowPlan(validated).dryRunText()
        #expect(text.contains("2 items × 2 ops = 4 tasks"))
        #expect(text.contains("t  threshold  [parallel across items]"))
        #expect(text.contains("serial: plugin CellCounter is not functional"))
        #expect(text.contains("outputs: c"))
    }

    @Test func graphRendersEdgesInBothFormats() throws {
        let validated = try validate(
            """
            {"name": "w", "inputs": {"images": ["a"]},
             "ops": [{"id": "a", "builtin": "gaussian"}, {"id": "b", "builtin": "stats", "data": "$a"}, {"id": "c", "builtin": "stats", "data": "$a", "after": ["b"]}]}
            """)
        let dot = WorkflowGraph.render(validated, as: .dot)
        #expect(dot.contains("\"inputs.images\" -> \"a\";"))
        #expect(dot.contains("\"a\" -> \"b\";"))
        #expect(dot.contains("\"b\" -> \"c\" [style=dashed];"))
        let mermaid = WorkflowGraph.render(validated, as: .mermaid)
        #expect(mermaid.hasPrefix("flowchart LR"))
        #expect(mermaid.contains("-.->"))
    }

    @Test func dependencyOrderKeepsFileOrderAmongReadyOps() throws {
        let order = DependencyOrder.sort([("x", []), ("y", ["z"]), ("z", []), ("w", ["x"])])
        #expect(try order.get() == ["x", "z", "y", "w"])
    }
}
