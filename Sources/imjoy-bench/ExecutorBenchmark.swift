import Foundation
import ImJoyEngine
import ImJoyPlugin
import ImJoySchema
import ImJoyWorkflow

/// `imjoy-bench executor ITEMS OPS`: plans ITEMS × OPS tasks of a chain of built-in ops and runs
/// them with an invoker that does nothing, so the time is the scheduler's own: reports
/// `plan` (seconds to validate and expand) and `per-task` (seconds of scheduling per task).
enum ExecutorBenchmark {
    struct NoOp: OpInvoker {
        func invoke(_ call: OpCall) throws -> JSONValue { .null }
    }

    static func run(_ arguments: [String]) throws {
        let items = arguments.count > 0 ? Int(arguments[0]) ?? 20_000 : 20_000
        let opCount = arguments.count > 1 ? Int(arguments[1]) ?? 5 : 5
        let ops = (0..<opCount).map { i in
            OpSpec(id: "op\(i)", target: .builtin("stats"), index: i)
        }
        let workflow = Workflow(
            file: "bench.json", baseDirectory: ".", name: "bench",
            inputs: ["n": .values((0..<items).map { JSONValue.integer(Int64($0)) })], ops: ops)
        let planStart = DispatchTime.now().uptimeNanoseconds
        let validated = try WorkflowValidator(resolver: PluginResolver(environment: [:])).validate(workflow)
        let plan = try WorkflowPlan(validated)
        let planSeconds = Double(DispatchTime.now().uptimeNanoseconds - planStart) / 1e9
        let runStart = DispatchTime.now().uptimeNanoseconds
        let summary = WorkflowExecutor(plan: plan, invoker: NoOp(), options: RunOptions(jobs: 2)).run()
        let runSeconds = Double(DispatchTime.now().uptimeNanoseconds - runStart) / 1e9
        precondition(summary.succeededTasks == items * opCount)
        report("plan", seconds: planSeconds)
        report("per-task", seconds: runSeconds / Double(items * opCount))
    }
}
