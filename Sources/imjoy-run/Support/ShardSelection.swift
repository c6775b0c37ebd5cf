import ArgumentParser
import Foundation
import ImJoyWorkflow

/// Which items a `run` handles: all, `--shard I/N`, or the shard of a Slurm array task.
struct ShardSelection {
    /// The shard to run; `nil` for the whole batch, or for an array task past the shards
    /// `--items-per-task` needs (`isSharded` tells them apart).
    var shard: Shard?
    /// The run is one shard of several (resume defaults on, a run record is written).
    var isSharded: Bool
    /// What was chosen and why, for the log.
    var note: String?

    static func choose(
        shard text: String?, itemsPerTask: Int?, itemCount: Int,
        environment: [String: String] = ProcessInfo.processInfo.environment
    ) throws -> ShardSelection {
        if let itemsPerTask, itemsPerTask < 1 { throw ValidationError("--items-per-task must be at least 1") }
        if let text {
            if itemsPerTask != nil { throw ValidationError("give --shard I/N or --items-per-task K, not both") }
            let shard = try Shard(parsing: text)
            return ShardSelection(shard: shard, isSharded: true,
                                  note: "shard \(shard) (--shard): items \(shard.range(itemCount: itemCount)) of \(itemCount)")
        }
        if let choice = try Shard.fromSlurm(environment: environment, itemCount: itemCount, itemsPerTask: itemsPerTask) {
            let items = choice.shard.map { ": items \($0.range(itemCount: itemCount)) of \(itemCount)" } ?? ""
            return ShardSelection(shard: choice.shard, isSharded: true, note: "Slurm array task: \(choice.reason)\(items)")
        }
        if itemsPerTask != nil {
            throw ValidationError("--items-per-task needs a Slurm array task (SLURM_ARRAY_TASK_ID); outside one, give --shard I/N")
        }
        return ShardSelection(shard: nil, isSharded: false, note: nil)
    }
}
