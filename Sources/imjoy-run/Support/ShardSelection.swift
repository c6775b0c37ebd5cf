import ArgumentParser
import Foundation
import ImJoyEngine
import ImJoyWorkflow

/// Which items a `run` handles: all, `--shard I/N`, or the shard of a batch scheduler's array
/// task (``BatchSchedulers``: Slurm's `SLURM_ARRAY_TASK_ID`).
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
            return ShardSelection(
                shard: shard, isSharded: true,
                note: "shard \(shard) (--shard): items \(shard.range(itemCount: itemCount)) of \(itemCount)")
        }
        if let found = try BatchSchedulers.arrayTask(environment: environment) {
            let choice = try found.task.shard(itemCount: itemCount, itemsPerTask: itemsPerTask)
            let items = choice.shard.map { ": items \($0.range(itemCount: itemCount)) of \(itemCount)" } ?? ""
            let scheduler = found.scheduler.name.prefix(1).uppercased() + found.scheduler.name.dropFirst()
            return ShardSelection(shard: choice.shard, isSharded: true, note: "\(scheduler) array task: \(choice.reason)\(items)")
        }
        if itemsPerTask != nil {
            throw ValidationError(
                "--items-per-task needs a batch scheduler's array task (Slurm: SLURM_ARRAY_TASK_ID); outside one, give --shard I/N")
        }
        return ShardSelection(shard: nil, isSharded: false, note: nil)
    }
}
