import Foundation

/// How a workflow splits over a job array so that the sharded run gives the same bytes as a
/// local one (docs/hpc.md, "Stateful plugins").
///
/// An op of a plugin without the `functional` flag is *stateful*: ImJoy's contract is that it
/// sees the items one at a time, in item order (CellCounter's running total). Split over
/// shards, each shard's instance would see only its own items. So when a workflow has stateful
/// ops, the array runs only the **array ops** — functional ops (built-ins, functional plugins)
/// that do not depend on a stateful op, except the writers, whose effect is a file — to fill the
/// shared result cache, and one **serial step** after the array runs the whole workflow over
/// all items in item order: the array ops hit the cache, the stateful ops and everything after
/// them run there, exactly as in a local run (a warm cache gives the same bytes as a cold one).
public struct ShardPlan: Sendable {
    /// Ops of plugins without the `functional` flag, in plan order.
    public var statefulOps: [PlannedOp]
    /// Ops that must run in the serial step: the stateful ops and every op depending on one.
    public var serialOps: [String]
    /// Ops the array tasks run (into the cache) when there is a serial step.
    public var arrayOps: [String]

    /// Built-ins whose effect is the file they write: they run in the serial step.
    static let writers: Set<String> = ["write-tiff", "write-hdf5"]

    public init(_ plan: WorkflowPlan) {
        statefulOps = plan.ops.filter { !$0.isFunctional }
        var serial = Set(statefulOps.map(\.id))
        var array = Set<String>()
        var serialOrder: [String] = []
        var arrayOrder: [String] = []
        for op in plan.ops {  // plan order respects every dependency
            if serial.contains(op.id) || op.dependencies.contains(where: serial.contains) {
                serial.insert(op.id)
                serialOrder.append(op.id)
                continue
            }
            if case .builtin(let name) = op.spec.target, Self.writers.contains(name) { continue }
            if op.dependencies.allSatisfy(array.contains) {
                array.insert(op.id)
                arrayOrder.append(op.id)
            }
        }
        serialOps = serialOrder
        arrayOps = statefulOps.isEmpty ? plan.ops.map(\.id) : arrayOrder
    }

    /// Whether a serial step must follow the array (the workflow has stateful ops).
    public var needsSerialStep: Bool { !statefulOps.isEmpty }

    /// The plan of an array task: only ``arrayOps`` (the whole plan when nothing is stateful).
    public func arrayPhase(of plan: WorkflowPlan) -> WorkflowPlan {
        guard needsSerialStep else { return plan }
        var phase = plan
        let keep = Set(arrayOps)
        phase.validated.ops = plan.ops.filter { keep.contains($0.id) }
        return phase
    }

    /// Why `--shard I/N` (N > 1) of the whole workflow is refused, naming the stateful ops and
    /// the fix; `nil` when the workflow shards faithfully.
    public func refusal(shard: Shard, plan: WorkflowPlan) -> String? {
        guard needsSerialStep, shard.count > 1 else { return nil }
        let names = statefulOps.map { op in
            let plugin = op.pluginAlias.flatMap { plan.validated.plugins[$0]?.config.name } ?? op.id
            return "'\(op.id)' (plugin \(plugin))"
        }
        return "--shard \(shard): op\(names.count == 1 ? "" : "s") \(names.joined(separator: ", ")) "
            + "\(names.count == 1 ? "is" : "are") not functional and must see every item in order, so a shard would "
            + "give other results than a local run; run the shards with --array-phase (only the functional ops "
            + "\(arrayOps.isEmpty ? "(none)" : arrayOps.joined(separator: ", ")), into the cache) and then the "
            + "whole workflow once without --shard (the serial step), as `imjoy-run slurm` does, or drop --shard"
    }

    /// The plan in words, for `imjoy-run slurm`.
    public var explanation: String {
        guard needsSerialStep else { return "plan: every op runs in the array tasks; the gather job combines the shards" }
        let stateful = statefulOps.map(\.id).joined(separator: ", ")
        let array = arrayOps.isEmpty ? "no op" : arrayOps.joined(separator: ", ")
        return
            "plan: \(stateful) \(statefulOps.count == 1 ? "is" : "are") not functional (sees every item in order), so the array tasks run \(array) into the shared cache "
            + "and the serial job (after the array) runs the whole workflow over all items in item order: \(serialOps.joined(separator: ", ")) \(serialOps.count == 1 ? "runs" : "run") there, the rest hit the cache"
    }
}
