import Foundation
import ImJoyWorkflow
import ImageIO

/// Everything a ``WorkflowRun`` needs besides its plan: where outputs go, how many tasks run
/// at once, failure handling, which items (a shard, resume), the cache, the plugin hosts, and
/// who hears about the run (observers, a log). The `imjoy-run run` flags map onto it one to one.
public struct WorkflowRunOptions: Sendable {
    /// The output folder.
    public var outputDirectory: String
    /// The file format for n-d array results, unless an op overrides it.
    public var arrayFormat: ArrayFileFormat = .tiff
    /// Tasks at once (1...``WorkflowRunOptions/jobsLimit``).
    public var jobs: Int = WorkflowRunOptions.defaultJobs()
    /// Stop starting new tasks at the first failure.
    public var failFast = false
    /// Retries of a failed call, for ops that set none (0...``WorkflowRunOptions/retriesLimit``).
    public var retries = 0
    /// A JSON-lines events file; a shard of several writes `OUT/.imjoy-run/events/<shard>.jsonl` without one.
    public var eventsPath: String?
    /// The shard to run; `nil` with `isSharded` false runs the whole batch.
    public var shard: Shard?
    /// The run is one shard of several (resume defaults on, a run record is written). With
    /// `shard` nil it is an array task past the shards needed: it runs no item.
    public var isSharded = false
    /// Skip items whose completion record matches their outputs; `nil`: on for shards only.
    public var resume: Bool?
    /// The run state folder (plugin logs, api.setConfig values, WORK_DIR); default `OUT/.imjoy-run`.
    public var stateDirectory: String?
    /// Where prepared plugin environments are kept (default: the hosts' own default).
    public var environmentCache: String?
    /// How `http(s)://` and `s3://` inputs are read (retries, timeouts, S3 endpoint and
    /// credentials); default: the environment's (``RemoteClient/shared``).
    public var remoteClient: RemoteClient = .shared
    /// The result cache folder (default `OUT/.imjoy-run/cache`).
    public var cacheDirectory: String?
    /// Whether the result cache is read and filled.
    public var usesCache = true
    /// Ops called even when the cache has their result.
    public var rerun: [String] = []
    /// The Python interpreter for every Python plugin (over prepared environments).
    public var python: String?
    /// Node.js and the script cache, for web-worker plugins.
    public var javascript = JavaScriptHostOptions()
    /// What the run shows while it runs (progress bar, events on standard output, plugin output).
    public var presentation = Presentation()
    /// More observers of the run's events (tests, embedding applications).
    public var observers: [any RunObserver] = []
    /// Receives notes and warnings, one line each.
    public var log: RunLog = .silent
    /// Arrays larger than this many bytes are streamed through the built-in ops block by block
    /// instead of read whole (`--memory-limit`; default: physical memory).
    public var memoryLimit: Int = NDArray.maximumByteCount
    /// Take the out-dir lock (docs/execution.md, "One run per out dir"). Turn off only when
    /// the caller holds it.
    public var locksOutputDirectory = true

    /// The largest `jobs` a run accepts.
    public static let jobsLimit = 1024
    /// The largest `retries` a run accepts.
    public static let retriesLimit = 100

    /// `SLURM_CPUS_PER_TASK` when set, else the core count; at most ``jobsLimit``.
    public static func defaultJobs() -> Int {
        min(RunOptions.defaultJobs(), jobsLimit)
    }

    public init(outputDirectory: String = "out") {
        self.outputDirectory = outputDirectory
    }

    /// What a run shows on the terminal; everything off by default (a library run is quiet).
    public struct Presentation: Sendable {
        /// A progress bar on standard error.
        public var progressBar = false
        /// JSON-lines task events on standard output (the CLI does it when stdout is not a terminal).
        public var eventsOnStandardOutput = false
        /// Plugins' output lines and api messages on standard error.
        public var pluginMessages = false

        public init(progressBar: Bool = false, eventsOnStandardOutput: Bool = false, pluginMessages: Bool = false) {
            self.progressBar = progressBar
            self.eventsOnStandardOutput = eventsOnStandardOutput
            self.pluginMessages = pluginMessages
        }
    }

    /// The executor's options.
    var executorOptions: RunOptions {
        RunOptions(jobs: jobs, failFast: failFast, retries: retries, outputDirectory: outputDirectory, arrayFormat: arrayFormat)
    }

    /// Checks the bounds of `jobs` and `retries`.
    func checkBounds() throws(WorkflowRunError) {
        guard (1...Self.jobsLimit).contains(jobs) else { throw .badOption("jobs must be 1...\(Self.jobsLimit), not \(jobs)") }
        guard (0...Self.retriesLimit).contains(retries) else {
            throw .badOption("retries must be 0...\(Self.retriesLimit), not \(retries)")
        }
    }
}

/// Where a run's notes ("resume: skipped 3 items", cache reasons) and warnings go, one line each.
public struct RunLog: Sendable {
    public var note: @Sendable (String) -> Void
    public var warning: @Sendable (String) -> Void

    public init(note: @escaping @Sendable (String) -> Void, warning: @escaping @Sendable (String) -> Void) {
        self.note = note
        self.warning = warning
    }

    /// Drops everything (warnings still reach the summary).
    public static let silent = RunLog(note: { _ in }, warning: { _ in })

    /// `imjoy-run: NOTE` and `imjoy-run: warning: WARNING` lines on standard error.
    public static let standardError = RunLog(
        note: { line in FileHandle.standardError.write(Data(("imjoy-run: " + line + "\n").utf8)) },
        warning: { line in
            let text = line.replacingOccurrences(of: "\n", with: " ")
            FileHandle.standardError.write(Data(("imjoy-run: warning: " + text + "\n").utf8))
        })
}
