import Foundation
import ImJoySchema
import Testing

@testable import ImJoyWorkflow

/// ImJoy's saved workflows (`{"workflow": …}`) take imjoy-run's inputs and reject unknown fields.
@Suite struct SavedWorkflowTests {
    static let steps = #"{\"type\": \"ops\", \"ops\": [{\"type\": \"Blur/Smooth\", \"sigma\": {\"value\": 2}}]}"#

    @Test func inputsOutputAndVariablesAreRead() throws {
        let text =
            #"{"name": "saved", "workflow": "\#(Self.steps)", "inputs": {"images": {"glob": "*.tif"}}, "output": {"format": "hdf5"}}"#
        let workflow = try WorkflowLoader.load(text: text, file: "saved.json")
        #expect(workflow.inputs.keys.elementsEqual(["images"]))
        #expect(workflow.output.format == "hdf5")
        #expect(workflow.ops.map(\.config) == [["sigma": 2]])
    }

    @Test func unknownTopLevelFieldIsNamedWithItsPath() {
        let text = #"{"name": "saved", "workflow": "\#(Self.steps)", "input": {"images": "*.tif"}}"#
        #expect {
            _ = try WorkflowLoader.load(text: text, file: "saved.json")
        } throws: { error in
            let text = "\(error)"
            return text.hasPrefix("saved.json: input: unknown field 'input'") && !text.contains("\n")
        }
    }

    @Test func unknownFieldOfTheWorkflowObjectIsNamedWithItsPath() {
        let text = #"{"name": "saved", "workflow": {"type": "ops", "ops": [{"type": "Blur"}], "edges": []}}"#
        #expect {
            _ = try WorkflowLoader.load(text: text, file: "saved.json")
        } throws: { error in
            "\(error)".hasPrefix("saved.json: workflow.edges: unknown field 'edges'")
        }
    }

    @Test func badInputIsReportedAtItsPath() {
        let text = #"{"name": "saved", "workflow": "\#(Self.steps)", "inputs": {"images": {"values": 3}}}"#
        #expect {
            _ = try WorkflowLoader.load(text: text, file: "saved.json")
        } throws: { error in
            "\(error)".contains("inputs.images.values")
        }
    }
}
