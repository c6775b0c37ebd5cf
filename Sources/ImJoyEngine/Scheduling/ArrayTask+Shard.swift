import ImJoyWorkflow

extension ArrayTask {
    /// The shard this task runs of a batch of `itemCount` items: shard `index` of the array's
    /// `count` tasks, or — with packing (`--items-per-task K`) — of `⌈items / K⌉` shards.
    ///
    /// - Returns: the shard (`nil` for a task past the shards packing needs: nothing to run) and
    ///   a sentence saying how it was chosen, for the log.
    /// - Throws: ``SchedulerError/environment(_:)`` when the array's size is unknown (and no
    ///   packing is given) or too small for the packing.
    public func shard(itemCount: Int, itemsPerTask: Int?) throws(SchedulerError) -> (shard: Shard?, reason: String) {
        if let itemsPerTask {
            let shards = Shard.count(itemCount: itemCount, itemsPerTask: itemsPerTask)
            if let count, count < shards {
                throw .environment("the array has \(count) tasks but \(itemCount) items at --items-per-task \(itemsPerTask) need \(shards)")
            }
            if index >= shards {
                // A larger array than needed: the extra tasks have nothing to do.
                return (
                    nil,
                    "\(description): task \(index) is past the \(shards) shards that \(itemCount) items at \(itemsPerTask) per task need; nothing to run"
                )
            }
            let shard = try Self.shard(index: index, count: shards)
            return (shard, "\(description) → shard \(shard) (\(itemCount) items, \(itemsPerTask) per task)")
        }
        guard let count else { throw .environment("\(description): the array's size is unknown; give --shard I/N") }
        let shard = try Self.shard(index: index, count: count)
        return (shard, "\(description) → shard \(shard)")
    }

    private static func shard(index: Int, count: Int) throws(SchedulerError) -> Shard {
        do { return try Shard(index: index, count: count) } catch { throw .environment(error.description) }
    }
}
