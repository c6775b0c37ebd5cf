import Foundation
import ImJoyWorkflow

extension WorkflowRun {
    /// After the executor: commits the shared HDF5 files and their items' records, writes the
    /// manifest and (for a shard) the run record, and makes the summary.
    func finish(_ parts: RunParts, executed: RunSummary, started: Double, warnings: WarningList) -> WorkflowRunSummary {
        var executed = executed
        var failed = executed.exitCode != 0
        var sharedFailures = 0
        do {
            executed.outputs = Set(executed.outputs + (try parts.hdf5Files.finish())).sorted()
            parts.tracker.finishShared()
        } catch {
            warnings.add("writing the shared HDF5 files: \(error)")
            failed = true
            // Their items wrote into files that do not exist: they failed, whatever their tasks did.
            sharedFailures = Set(parts.tracker.itemsAwaitingSharedFiles).count
        }
        for problem in parts.tracker.writeErrors { warnings.add("completion record not written (the item will run again): \(problem)") }
        parts.closeEvents()
        let manifest = writeManifest(parts, started: started, warnings: warnings)
        var cacheStatistics: WorkflowRunSummary.CacheStatistics?
        if let cache = parts.cache {
            let counts = cache.statistics
            cacheStatistics = .init(directory: cache.directory.path, hits: counts.hits, misses: counts.misses)
            options.log.note("cache \(cache.directory.path): \(counts.hits) hits, \(counts.misses) misses")
        }
        let status: WorkflowRunSummary.Status = cancellation.reason.map { .cancelled($0) } ?? (failed ? .someFailed : .succeeded)
        var counts = parts.tally.items(total: parts.items.count)
        let movedToFailed = min(sharedFailures, counts.succeeded)
        counts.succeeded -= movedToFailed
        counts.failed += movedToFailed
        let summary = WorkflowRunSummary(
            status: status, tasks: executed, items: parts.items.count, succeededItems: counts.succeeded,
            failedItems: counts.failed, notRunItems: counts.notRun, cachedTasks: counts.cachedTasks, outputs: executed.outputs,
            cache: cacheStatistics, resumed: parts.resumed, warnings: [], manifest: manifest,
            outputDirectory: options.outputDirectory)
        writeShardRecord(parts, summary: summary, started: started, warnings: warnings)
        var result = summary
        result.warnings = warnings.all
        return result
    }

    /// `OUT/manifest.json`, or a shard's part; `nil` when not written (a warning says why).
    private func writeManifest(_ parts: RunParts, started: Double, warnings: WarningList) -> URL? {
        // An array task past the shards needed ran nothing, and must not replace the manifest.
        if options.isSharded && options.shard == nil { return nil }
        let built = RunManifest.build(
            plan: plan, items: parts.shardItems, records: parts.records, provenance: parts.provenance,
            arrayFormat: options.arrayFormat.rawValue)
        let manifest = RunManifest.withEnvironment(built, plan: plan, provenance: parts.provenance)
        let url =
            shardLabel.map { RunManifest.shardURL(outputDirectory: options.outputDirectory, label: $0) }
            ?? RunManifest.url(outputDirectory: options.outputDirectory)
        do {
            try RunManifest.write(
                manifest, started: started, finished: Date().timeIntervalSince1970, to: url, synchronizes: parts.records.synchronizes)
            return url
        } catch {
            warnings.add("manifest not written: \(error)")
            return nil
        }
    }

    /// A shard's run record (`OUT/.imjoy-run/runs/<shard>.json`), read by `gather`.
    private func writeShardRecord(_ parts: RunParts, summary: WorkflowRunSummary, started: Double, warnings: WarningList) {
        guard options.isSharded, let shard = options.shard else { return }
        let record = ShardRunRecord(
            workflow: plan.workflow.name, shard: shard, items: parts.shardItems.map(\.key), resumed: parts.resumed,
            summary: summary.tasks,
            outputs: summary.outputs.map { CompletionRecords.relative($0, to: options.outputDirectory) },
            exitCode: summary.exitCode, started: started, events: parts.events?.path)
        do { try record.write(outputDirectory: options.outputDirectory) } catch { warnings.add("run record not written: \(error)") }
    }
}
