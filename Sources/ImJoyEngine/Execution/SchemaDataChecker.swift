import Foundation
import ImJoySchema
import ImJoyWorkflow

/// Checks op data against the ops' `inputs` schemas and results against their `outputs`
/// schemas, compiled once per op before the run (ImJoy's normalisation for plugin schemas).
public struct SchemaDataChecker: DataChecker {
    private let inputs: [String: JSONSchema]
    private let outputs: [String: JSONSchema]

    /// - Throws: ``EngineError/invalidSchema(op:which:message:)`` for a schema that does not compile.
    public init(plan: WorkflowPlan) throws(EngineError) {
        var inputs: [String: JSONSchema] = [:]
        var outputs: [String: JSONSchema] = [:]
        for op in plan.ops {
            do {
                if let schema = try op.description.compiledInputs() { inputs[op.id] = schema }
            } catch {
                throw .invalidSchema(op: op.id, which: "inputs", message: error.description)
            }
            do {
                if let schema = try op.description.compiledOutputs() { outputs[op.id] = schema }
            } catch {
                throw .invalidSchema(op: op.id, which: "outputs", message: error.description)
            }
        }
        self.inputs = inputs
        self.outputs = outputs
    }

    public func checkInputs(_ data: JSONValue, op: PlannedOp, baseDirectory: String) -> String? {
        check(data, against: inputs[op.id], baseDirectory: baseDirectory)
    }

    public func checkOutputs(_ result: JSONValue, op: PlannedOp, baseDirectory: String) -> String? {
        check(result, against: outputs[op.id], baseDirectory: baseDirectory)
    }

    private func check(_ value: JSONValue, against schema: JSONSchema?, baseDirectory: String) -> String? {
        guard let schema else { return nil }
        let options = ValidationOptions(maximumErrors: 5, baseDirectory: URL(fileURLWithPath: baseDirectory))
        let result = schema.validate(value, options: options)
        guard !result.isValid else { return nil }
        return result.errors.map(\.description).joined(separator: "; ")
    }
}
