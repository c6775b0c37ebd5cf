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
            succeeded, 1 when some failed, 2 for an invalid workflow or usage (an out dir that
            cannot be written or that another run holds), 128 + N when signal N interrupted the run.
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

    @Option(
        help: ArgumentHelp(
            "Run only shard I (0-based) of N: a contiguous, balanced block of items (docs/hpc.md). Default inside a Slurm array task: from SLURM_ARRAY_TASK_ID.",
            valueName: "I/N"))
    var shard: String?

    @Option(help: "Inside a Slurm array task: N = ceil(items / K) shards, this task's from SLURM_ARRAY_TASK_ID.")
    var itemsPerTask: Int?

    @Flag(
        inversion: .prefixedNo,
        help:
            "Skip items whose completion record matches their outputs (size and SHA-256). Default: on for shards and Slurm array tasks, off otherwise."
    )
    var resume: Bool?

    @Flag(
        help:
            "With --shard or in an array task of a workflow with stateful (non-functional) ops: run only its functional ops into OUT's cache, for a serial run of the whole workflow after the array (docs/hpc.md)."
    )
    var arrayPhase = false

    @OptionGroup var hosts: PluginHostArguments

    @OptionGroup var memory: MemoryLimitArgument

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

    func validate() throws {
        try RunCommand.checkBounds(jobs: jobs, retries: retries)
    }

    func run() throws {
        let plan = try options.plan()
        let selection = try withInputErrors {
            try ShardSelection.choose(shard: shard, itemsPerTask: itemsPerTask, itemCount: plan.items.count)
        }
        if let note = selection.note { RunLog.standardError.note(note) }
        if dryRun {
            print(plan.dryRunText())
            if let chosen = selection.shard { print("shard \(chosen): items \(chosen.range(itemCount: plan.items.count))") }
            return
        }
        let stdoutIsTerminal = isatty(STDOUT_FILENO) == 1
        var run = WorkflowRunOptions(outputDirectory: outputDirectory)
        run.arrayFormat = format
        run.jobs = jobs ?? WorkflowRunOptions.defaultJobs()
        (run.failFast, run.retries, run.eventsPath) = (failFast, retries, events)
        (run.shard, run.isSharded, run.resume) = (selection.shard, selection.isSharded, resume)
        (run.stateDirectory, run.environmentCache) = (stateDir, envDir)
        (run.cacheDirectory, run.usesCache, run.rerun) = (cache, !noCache, rerun)
        (run.python, run.javascript) = (hosts.python, hosts.javascript)
        run.presentation = .init(
            progressBar: isatty(STDERR_FILENO) == 1 && !noProgress, eventsOnStandardOutput: !stdoutIsTerminal, pluginMessages: true)
        run.log = .standardError
        run.memoryLimit = try memory.bytes()
        let phase: ArrayPhase? = arrayPhase ? ArrayPhase(plan: plan, options: run) : nil
        let workflowRun = WorkflowRun(plan: phase?.plan ?? plan, options: phase?.options ?? run)
        let signals = RunSignals.install(cancelling: workflowRun)
        defer { signals.cancel() }
        let summary = try withInputErrors { try workflowRun.run() }
        if case .cancelled = summary.status {
            FileHandle.standardError.write(Data((summary.text + "\n").utf8))
        } else if stdoutIsTerminal {
            print(summary.text)
        } else {
            FileHandle.standardError.write(Data((summary.text + "\n").utf8))
        }
        if summary.exitCode != 0 { throw ExitCode(summary.exitCode) }
    }

    /// `--jobs` 1...1024 and `--retries` 0...100 (usage errors, exit 2).
    static func checkBounds(jobs: Int?, retries: Int) throws {
        if let jobs, !(1...WorkflowRunOptions.jobsLimit).contains(jobs) {
            throw ValidationError("--jobs must be between 1 and \(WorkflowRunOptions.jobsLimit), not \(jobs)")
        }
        guard (0...WorkflowRunOptions.retriesLimit).contains(retries) else {
            throw ValidationError("--retries must be between 0 and \(WorkflowRunOptions.retriesLimit), not \(retries)")
        }
    }
}
