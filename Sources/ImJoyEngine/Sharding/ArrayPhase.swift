import Foundation
import ImJoyWorkflow

/// The array part of a sharded run whose workflow has stateful ops (``ShardPlan``): the task
/// runs only the plan's array ops over its shard, into the out dir's shared result cache, in a
/// scratch folder of its own (`OUT/.imjoy-run/array-phase/shard-I-of-N/`) so that nothing it
/// writes is taken for an output. The serial step (a plain run of the whole workflow over
/// every item, `imjoy-run slurm`'s second job) then hits the cache for those ops and runs the
/// stateful ops and what depends on them in item order: its outputs are a local run's.
public struct ArrayPhase: Sendable {
    public var plan: WorkflowPlan
    public var options: WorkflowRunOptions

    /// The array task's plan and options for `plan` run with `options` (its out dir, shard, cache).
    /// When the workflow has no stateful op the task runs the whole plan as before.
    public init(plan: WorkflowPlan, options: WorkflowRunOptions) {
        let shardPlan = ShardPlan(plan)
        guard shardPlan.needsSerialStep else {
            (self.plan, self.options) = (plan, options)
            return
        }
        var phase = options
        let state = URL(fileURLWithPath: options.outputDirectory).appendingPathComponent(".imjoy-run")
        phase.cacheDirectory = options.cacheDirectory ?? state.appendingPathComponent("cache").path
        let label = options.shard.map(\.label) ?? "all"
        phase.outputDirectory = state.appendingPathComponent("array-phase/\(label)").path
        phase.stateDirectory = options.stateDirectory.map { $0 + "/array-phase/\(label)" }
        self.plan = shardPlan.arrayPhase(of: plan)
        self.options = phase
    }
}
