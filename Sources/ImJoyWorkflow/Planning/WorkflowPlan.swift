import Foundation
import ImJoySchema

/// A validated workflow expanded over its batch: items × ops. Tasks are not materialised one by
/// one — task `(item, op)` is implied — so planning 100 000 tasks costs little.
public struct WorkflowPlan: Sendable {
    public var validated: ValidatedWorkflow
    public var items: [WorkItem]
    /// `ctx._variables`: the workflow's variables with `--var` overrides applied.
    public var variables: JSONObject

    /// Plans `validated`: expands its inputs and applies variable overrides.
    /// - Parameter overrides: `--var NAME=VALUE` pairs; a value that parses as JSON is used as
    ///   JSON (`--var n=3` is a number), anything else as a string.
    public init(_ validated: ValidatedWorkflow, variableOverrides overrides: [(String, String)] = []) throws(WorkflowError) {
        self.validated = validated
        self.items = try BatchItems.expand(validated.workflow)
        var variables = validated.workflow.variables
        for (name, text) in overrides {
            variables[name] = (try? JSONValue(jsonText: text)) ?? .string(text)
        }
        self.variables = variables
    }

    public var workflow: Workflow { validated.workflow }
    public var ops: [PlannedOp] { validated.ops }

    /// items × ops.
    public var taskCount: Int { items.count * ops.count }

    /// `_workflow_id` of an item: `<workflow name>-<item key>`, stable across reruns.
    public func workflowID(for item: WorkItem) -> String { "\(workflow.name)-\(item.key)" }

    /// Ops whose results no later op consumes: their results are the run's outputs.
    public var terminalOps: [PlannedOp] {
        let consumed = validated.consumedOps
        return ops.filter { !consumed.contains($0.id) }
    }

    /// How an op's calls are scheduled, in words.
    public func schedule(of op: PlannedOp) -> String {
        if op.isFunctional { return "parallel across items" }
        let name = op.pluginAlias.flatMap { validated.plugins[$0]?.config.name } ?? op.id
        return "serial: plugin \(name) is not functional, one call at a time in item order"
    }

    /// The `--dry-run` text: items × ops, the order, what runs in parallel, the outputs.
    public func dryRunText(maxItems: Int = 5) -> String {
        var lines: [String] = []
        let version = workflow.version.map { " \($0)" } ?? ""
        lines.append(
            "workflow \(workflow.name)\(version) (\(workflow.file)): \(items.count) item\(items.count == 1 ? "" : "s") × \(ops.count) op\(ops.count == 1 ? "" : "s") = \(taskCount) tasks"
        )
        lines.append("ops, in dependency order:")
        let width = ops.map(\.id.count).max() ?? 0
        for op in ops {
            let padded = op.id.padding(toLength: width, withPad: " ", startingAt: 0)
            var text = "  \(padded)  \(op.spec.target)  [\(schedule(of: op))]"
            if !op.dependencies.isEmpty { text += "  after \(op.dependencies.joined(separator: ", "))" }
            if !op.config.isEmpty { text += "  config \(JSONValue.object(op.config).serialized())" }
            lines.append(text)
        }
        lines.append("items:")
        for item in items.prefix(maxItems) {
            let inputs = item.inputs.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value.stringValue ?? $0.value.serialized())" }
            lines.append("  \(workflowID(for: item))  \(inputs.joined(separator: "  "))")
        }
        if items.count > maxItems { lines.append("  … \(items.count - maxItems) more") }
        lines.append("outputs: " + terminalOps.map(\.id).joined(separator: ", "))
        for warning in validated.warnings { lines.append("warning: \(warning)") }
        return lines.joined(separator: "\n")
    }
}
