import ImJoyWorkflow

extension WorkflowRun {
    /// A shard of a workflow with stateful ops would give other results than a local run:
    /// refused (exit 2) with the stateful ops and the fix (``ShardPlan``, ``ArrayPhase``).
    func checkShardIsFaithful() throws(WorkflowRunError) {
        guard options.isSharded, let shard = options.shard else { return }
        if let refusal = ShardPlan(plan).refusal(shard: shard, plan: plan) { throw .badOption(refusal) }
    }
}
