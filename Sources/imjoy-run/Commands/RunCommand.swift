import ArgumentParser
import Foundation
import ImJoyEngine
import ImJoyWorkflow

extension ArrayFileFormat: ExpressibleByArgument {}

/// `imjoy-run run WORKFLOW` (or just `imjoy-run WORKFLOW`): runs a workflow over its batch.
struct RunCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "run",
        abstract: "Run a workflow over its batch of inputs (the default command).",
        discussion: """
            Built-in ops and functional plugins run in parallel across items (--jobs); other
            plugins get their items one at a time, in item order. Exit 0 when every item
            succeeded, 1 when some failed, 2 for an invalid workflow or usage.
            """
    )

    @OptionGroup var options: WorkflowOptions

    @Option(name: .customLong("out"), help: "The output folder.")
    var outputDirectory = "out"

    @Option(help: "File format for n-d array results: tiff or hdf5 (an op's output.format overrides).")
    var format: ArrayFileFormat = .tiff

    @Option(help: "Tasks at once (default: SLURM_CPUS_PER_TASK, else the core count).")
    var jobs: Int?

    @Flag(help: "Stop starting new tasks at the first failure.")
    var failFast = false

    @Option(help: "Retries of a failed call, for ops that set none.")
    var retries = 0

    @Flag(help: "Print the plan (items × ops, what runs in parallel) and exit.")
    var dryRun = false

    @Option(help: "Write JSON-lines events (tasks, plugin output and api messages) to this file.")
    var events: String?

    @Flag(help: "No progress bar, even on a terminal.")
    var noProgress = false

    @Option(help: ArgumentHelp("Run only shard I (0-based) of N: a contiguous, balanced block of items (docs/hpc.md). Default inside a Slurm array task: from SLURM_ARRAY_TASK_ID.", valueName: "I/N"))
    var shard: String?

    @Option(help: "Inside a Slurm array task: N = ceil(items / K) shards, this task's from SLURM_ARRAY_TASK_ID.")
    var itemsPerTask: Int?

    @Flag(inversion: .prefixedNo, help: "Skip items whose completion record matches their outputs (size and SHA-256). Default: on for shards and Slurm array tasks, off otherwise.")
    var resume: Bool?

    @OptionGroup var hosts: PluginHostArguments

    @Option(help: "The run state folder: plugin logs, api.setConfig values, WORK_DIR (default: OUT/.imjoy-run).")
    var stateDir: String?

    @Option(help: "Where `imjoy-run env` keeps prepared environments (default: ~/.cache/imjoy-run/envs).")
    var envDir: String?

    @Option(help: "The result cache of functional ops (default: <out>/.imjoy-run/cache; docs/reproducibility.md).")
    var cache: String?

    @Flag(help: "Call every op; neither read nor fill the cache.")
    var noCache = false

    @Option(help: ArgumentHelp("Call this op even when the cache has its result (repeatable).", valueName: "OP"))
    var rerun: [String] = []

    func run() throws {
        let plan = try options.plan()
        let selection = try withInputErrors {
            try ShardSelection.choose(shard: shard, itemsPerTask: itemsPerTask, itemCount: plan.items.count)
        }
        if let note = selection.note { printNote(note) }
        if dryRun {
            print(plan.dryRunText())
            if let chosen = selection.shard { print("shard \(chosen): items \(chosen.range(itemCount: plan.items.count))") }
            return
        }
        let started = Date().timeIntervalSince1970
        let shardItems = selection.shard.map { $0.items(of: plan.items) } ?? (selection.isSharded ? [] : plan.items)
        var records = CompletionRecords(outputDirectory: outputDirectory)
        records.synchronizes = selection.isSharded || resume == true
        var items = shardItems
        var resumed = 0
        if resume ?? selection.isSharded {
            let split = records.resumePlan(plan: plan, items: shardItems)
            items = split.run
            resumed = split.complete.count
            printNote("resume: skipped \(resumed) of \(shardItems.count) items whose outputs are complete (size and SHA-256 match their records); running \(items.count)")
        }
        for item in items { records.remove(item.key) }

        let runOptions = RunOptions(
            jobs: jobs ?? RunOptions.defaultJobs(), failFast: failFast, retries: retries,
            outputDirectory: outputDirectory, arrayFormat: format)
        let resultCache = noCache ? nil : DiskCache(
            directory: cache ?? CompletionRecords(outputDirectory: outputDirectory).stateDirectory.appendingPathComponent("cache").path,
            plan: plan, rerun: Set(rerun), log: { line in FileHandle.standardError.write(Data(("imjoy-run: " + line + "\n").utf8)) })
        if let resultCache { FileHashes.shared.persist(in: resultCache.directory.appendingPathComponent("files")) }
        let hdf5Files = SharedHDF5Files(shardLabel: selection.shard.flatMap { $0.count > 1 ? $0.label : nil },
                                        chunkStore: resultCache.map { HDF5ChunkStore(directory: $0.directory) })
        for op in rerun where !plan.ops.contains(where: { $0.id == op }) {
            printError("--rerun \(op): the workflow has no op '\(op)' (ops: \(plan.ops.map(\.id).joined(separator: ", ")))")
            throw ExitCode.invalidInput
        }
        let provenance = ProvenanceBuilder(plan: plan)
        var writer = OutputWriter(options: runOptions, defaults: plan.workflow.output, hdf5Files: hdf5Files)
        writer.provenance = provenance
        let tracker = CompletionTracker(
            sink: writer,
            records: records, plan: plan, items: items, hdf5Files: hdf5Files)
        var observers: [any RunObserver] = [tracker]
        var eventHandle: FileHandle?
        let eventsPath = events ?? selection.shard.flatMap { shard in
            shard.count > 1 ? records.stateDirectory.appendingPathComponent("events/\(shard.label).jsonl").path : nil
        }
        if let eventsPath {
            eventHandle = try withInputErrors { try openForWriting(eventsPath) }
            observers.append(JSONLinesEventWriter(handle: eventHandle!, workflow: plan.workflow.name, plan: plan))
        }
        let stdoutIsTerminal = isatty(STDOUT_FILENO) == 1
        if !stdoutIsTerminal { observers.append(JSONLinesEventWriter(handle: .standardOutput, workflow: plan.workflow.name)) }
        let showsProgress = isatty(STDERR_FILENO) == 1 && !noProgress
        if showsProgress { observers.append(ProgressBar()) }
        observers.append(PluginMessagePrinter(clearsLine: showsProgress))
        let observer = RunObservers(observers)

        // Plugin processes start here (in the background), and their output goes to `observer`.
        let pythonOptions = PluginHostOptions(
            interpreter: hosts.python, stateDirectory: stateDir ?? outputDirectory + "/.imjoy-run",
            environmentCache: envDir ?? PythonEnvironment.defaultCacheRoot(), jobs: runOptions.jobs,
            javascript: hosts.javascript,
            observer: observer)
        let invoker = try withInputErrors {
            try EngineInvoker(plan: plan, hdf5Files: hdf5Files, python: pythonOptions, provenance: provenance)
        }
        let signals = PluginProcessSignals.install()
        defer { signals.cancel() }
        for warning in plan.validated.warnings { printWarning(warning) }

        let executor = WorkflowExecutor(
            plan: plan, items: items, invoker: invoker, options: runOptions,
            sink: tracker,
            checker: try withInputErrors { try SchemaDataChecker(plan: plan) },
            observer: observer, cache: resultCache)
        var summary = executor.run()
        invoker.shutdown()
        if let number = PluginProcessSignals.received.value {
            // The handler is stopping the plugins and exits with 128 + the signal; so do we.
            throw ExitCode(128 + number)
        }
        var exitCode = summary.exitCode
        do {
            summary.outputs = Set(summary.outputs + (try hdf5Files.finish())).sorted()
            tracker.finishShared()
        } catch {
            printError("writing the shared HDF5 files: \(error)")
            exitCode = 1
        }
        for problem in tracker.writeErrors { printWarning("completion record not written (the item will run again): \(problem)") }
        try? eventHandle?.close()
        let manifest = RunManifest.build(plan: plan, items: shardItems, records: records, provenance: provenance, arrayFormat: format.rawValue)
        let manifestURL = selection.shard.flatMap { $0.count > 1 ? RunManifest.shardURL(outputDirectory: outputDirectory, label: $0.label) : nil }
            ?? RunManifest.url(outputDirectory: outputDirectory)
        do { try RunManifest.write(manifest, started: started, finished: Date().timeIntervalSince1970, to: manifestURL, synchronizes: records.synchronizes) } catch { printWarning("manifest not written: \(error)") }
        if let resultCache {
            let stats = resultCache.statistics
            printNote("cache \(resultCache.directory.path): \(stats.hits) hits, \(stats.misses) misses")
        }
        if let recordShard = selection.shard, selection.isSharded {
            let record = ShardRunRecord(
                workflow: plan.workflow.name, shard: recordShard, items: shardItems.map(\.key), resumed: resumed, summary: summary,
                outputs: summary.outputs.map { CompletionRecords.relative($0, to: outputDirectory) }, exitCode: exitCode, started: started,
                events: eventsPath)
            do { try record.write(outputDirectory: outputDirectory) } catch { printWarning("run record not written: \(error)") }
        }
        var text = summary.text + "\noutputs in \(outputDirectory)/"
        if resumed > 0 { text += "\nresumed: \(resumed) items were already complete and not run again" }
        if stdoutIsTerminal { print(text) } else { FileHandle.standardError.write(Data((text + "\n").utf8)) }
        if exitCode != 0 { throw ExitCode.someFailed }
    }

    private func printNote(_ message: String) {
        FileHandle.standardError.write(Data(("imjoy-run: " + message + "\n").utf8))
    }

    private func openForWriting(_ path: String) throws -> FileHandle {
        let url = URL(fileURLWithPath: path)
        try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
        guard FileManager.default.createFile(atPath: path, contents: nil) else {
            throw ValidationError("cannot write the events file \(path)")
        }
        return try FileHandle(forWritingTo: url)
    }
}

/// SIGINT/SIGTERM during a run: stop the plugin processes (ask, wait briefly, kill), then exit
/// with 128 + the signal number, so that no plugin process outlives the runner.
private struct PluginProcessSignals {
    let sources: [DispatchSourceSignal]
    /// The signal that interrupted the run, if any.
    static let received = ReceivedSignal()

    final class ReceivedSignal: @unchecked Sendable {
        private let lock = NSLock()
        private var number: Int32?
        var value: Int32? { lock.withLock { number } }
        func set(_ value: Int32) { lock.withLock { number = value } }
    }

    static func install() -> PluginProcessSignals {
        var sources: [DispatchSourceSignal] = []
        for number in [SIGINT, SIGTERM] {
            signal(number, SIG_IGN)
            let source = DispatchSource.makeSignalSource(signal: number, queue: .global())
            source.setEventHandler {
                received.set(number)
                FileHandle.standardError.write(Data("imjoy-run: stopping the plugin processes (signal \(number))\n".utf8))
                PluginHosts.terminateAll(grace: 1)
                exit(128 + number)
            }
            source.resume()
            sources.append(source)
        }
        return PluginProcessSignals(sources: sources)
    }

    func cancel() {
        for source in sources { source.cancel() }
    }
}
