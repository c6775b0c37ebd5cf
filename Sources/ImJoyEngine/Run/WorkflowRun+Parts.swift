import Foundation
import ImJoyWorkflow

/// The pieces of one run, made before the executor starts: which items run (shard, resume),
/// the completion records, the cache, the shared HDF5 files, provenance, the writer and the
/// tracker, the observers, and the plugin hosts behind a cancellable invoker.
struct RunParts {
    var shardItems: [WorkItem]
    var items: [WorkItem]
    var resumed: Int
    var records: CompletionRecords
    var cache: DiskCache?
    var hdf5Files: SharedHDF5Files
    var provenance: ProvenanceBuilder
    var tracker: CompletionTracker
    var tally: ItemTally
    var observer: RunObservers
    var events: (path: String, handle: FileHandle)?
    var invoker: CancellableInvoker
    var checker: SchemaDataChecker

    static func make(for run: WorkflowRun, warnings: WarningList) throws(WorkflowRunError) -> RunParts {
        let plan = run.plan
        let options = run.options
        let (shardItems, items, resumed, records) = selectItems(plan: plan, options: options)
        // The run's own file-hash memo: one run's cache folder never receives another run's hashes.
        let hashes = FileHashes()
        let cache = makeCache(plan: plan, options: options, records: records, hashes: hashes)
        let hdf5Files = SharedHDF5Files(shardLabel: run.shardLabel, chunkStore: cache.map { HDF5ChunkStore(directory: $0.directory) })
        let provenance = ProvenanceBuilder(plan: plan, hashes: hashes)
        var writer = OutputWriter(options: options.executorOptions, defaults: plan.workflow.output, hdf5Files: hdf5Files)
        writer.provenance = provenance
        writer.memoryLimit = options.memoryLimit
        let tracker = CompletionTracker(sink: writer, records: records, plan: plan, items: items, hdf5Files: hdf5Files)
        let tally = ItemTally(opCount: plan.ops.count)
        let events = try openEvents(plan: plan, options: options, records: records)
        let observer = makeObservers(plan: plan, options: options, fixed: [tracker, tally], events: events?.handle)
        let invoker: EngineInvoker
        let checker: SchemaDataChecker
        do {
            invoker = try EngineInvoker(
                plan: plan, hdf5Files: hdf5Files, hosts: hostOptions(options, observer: observer), provenance: provenance,
                memoryLimit: options.memoryLimit, remoteClient: options.remoteClient)
            checker = try SchemaDataChecker(plan: plan)
        } catch {
            try? events?.handle.close()
            throw .cannotStart("\(error)")
        }
        run.cancellation.attach(invoker.plugins)
        return RunParts(
            shardItems: shardItems, items: items, resumed: resumed, records: records, cache: cache, hdf5Files: hdf5Files,
            provenance: provenance, tracker: tracker, tally: tally, observer: observer, events: events,
            invoker: CancellableInvoker(inner: invoker, cancellation: run.cancellation), checker: checker)
    }

    func closeEvents() {
        try? events?.handle.close()
    }

    /// The shard's items, those to run (after resume), and the records (stale ones removed).
    private static func selectItems(plan: WorkflowPlan, options: WorkflowRunOptions)
        -> (shardItems: [WorkItem], items: [WorkItem], resumed: Int, records: CompletionRecords)
    {
        let shardItems = options.shard.map { $0.items(of: plan.items) } ?? (options.isSharded ? [] : plan.items)
        var records = CompletionRecords(outputDirectory: options.outputDirectory)
        records.synchronizes = options.isSharded || options.resume == true
        var items = shardItems
        var resumed = 0
        if options.resume ?? options.isSharded {
            let split = records.resumePlan(plan: plan, items: shardItems)
            items = split.run
            resumed = split.complete.count
            options.log.note(
                "resume: skipped \(resumed) of \(shardItems.count) items whose outputs are complete (size and SHA-256 match their records); running \(items.count)"
            )
        }
        for item in items { records.remove(item.key) }
        return (shardItems, items, resumed, records)
    }

    private static func makeCache(plan: WorkflowPlan, options: WorkflowRunOptions, records: CompletionRecords, hashes: FileHashes)
        -> DiskCache?
    {
        guard options.usesCache else { return nil }
        let directory = options.cacheDirectory ?? records.stateDirectory.appendingPathComponent("cache").path
        let log = options.log
        let cache = DiskCache(directory: directory, plan: plan, rerun: Set(options.rerun), hashes: hashes, log: { line in log.note(line) })
        hashes.persist(in: cache.directory.appendingPathComponent("files"))
        return cache
    }

    /// The events file: `eventsPath`, or a shard's own under the state folder.
    private static func openEvents(plan: WorkflowPlan, options: WorkflowRunOptions, records: CompletionRecords)
        throws(WorkflowRunError) -> (path: String, handle: FileHandle)?
    {
        let path =
            options.eventsPath
            ?? options.shard.flatMap { shard in
                shard.count > 1 ? records.stateDirectory.appendingPathComponent("events/\(shard.label).jsonl").path : nil
            }
        guard let path else { return nil }
        let url = URL(fileURLWithPath: path)
        do {
            try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
            guard FileManager.default.createFile(atPath: path, contents: nil) else {
                throw CocoaError(.fileWriteNoPermission, userInfo: [NSFilePathErrorKey: path])
            }
            return (path, try FileHandle(forWritingTo: url))
        } catch {
            throw .eventsFile(path: path, reason: fileErrorReason(error))
        }
    }

    private static func makeObservers(plan: WorkflowPlan, options: WorkflowRunOptions, fixed: [any RunObserver], events: FileHandle?)
        -> RunObservers
    {
        var observers = fixed
        if let events { observers.append(JSONLinesEventWriter(handle: events, workflow: plan.workflow.name, plan: plan)) }
        let shows = options.presentation
        if shows.eventsOnStandardOutput { observers.append(JSONLinesEventWriter(handle: .standardOutput, workflow: plan.workflow.name)) }
        if shows.progressBar { observers.append(ProgressBar()) }
        if shows.pluginMessages { observers.append(PluginMessagePrinter(clearsLine: shows.progressBar)) }
        return RunObservers(observers + options.observers)
    }

    /// The plugin hosts' options (the only place a run names them).
    private static func hostOptions(_ options: WorkflowRunOptions, observer: any RunObserver) -> PluginHostOptions {
        var hosts = PluginHostOptions(
            interpreter: options.python, stateDirectory: options.stateDirectory ?? options.outputDirectory + "/.imjoy-run",
            jobs: options.jobs, javascript: options.javascript, observer: observer)
        if let cache = options.environmentCache { hosts.python.environmentCache = cache }
        return hosts
    }
}
