import ArgumentParser
import Foundation
import ImJoyEngine
import ImJoyWorkflow

/// `imjoy-run slurm WORKFLOW`: one Slurm job array for the batch, plus a gather job (docs/hpc.md).
/// The scripts and the submission are ``SlurmScheduler``'s; this maps the flags.
struct SlurmCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "slurm",
        abstract: "Write (and with --submit, submit) a Slurm job array for a workflow, and its gather job.",
        discussion: """
            Each array task runs `imjoy-run run WORKFLOW` on its shard, taken from SLURM_ARRAY_TASK_ID; \
            a rerun (requeue, resubmit) skips items whose outputs are complete. The gather job runs \
            `imjoy-run gather` with --dependency=afterok:<array job>: it runs only when every task \
            succeeded. A workflow with stateful (non-functional) plugin ops is planned so that it \
            gives a local run's bytes: the tasks run only its functional ops (--array-phase, into the \
            shared cache) and the second job, instead of gather, runs the whole workflow once over all \
            items in item order (the stateful ops there, the rest from the cache); the plan is printed. \
            Scripts and logs (one file per task) go to OUT/.imjoy-run/slurm/<run>/.
            """
    )

    @OptionGroup var options: WorkflowOptions

    @OptionGroup(title: "Plugin hosts (passed to each task's run)") var hosts: PluginHostArguments

    @Option(name: .customLong("out"), help: "The output folder (on a file system every node sees).")
    var outputDirectory = "out"

    @Option(help: "File format for n-d array results: tiff or hdf5.")
    var format: ArrayFileFormat?

    @Option(help: "Array tasks (shards). Default: one per item, at most 1000.")
    var arraySize: Int?

    @Option(help: "Items per array task (packing): ceil(items / K) tasks.")
    var itemsPerTask: Int?

    @Option(help: "sbatch --partition.") var partition: String?
    @Option(help: "sbatch --time, per task (e.g. 01:00:00).") var time: String?
    @Option(help: "sbatch --mem, per task (e.g. 4G).") var mem: String?
    @Option(help: "sbatch --cpus-per-task; each task's --jobs follows SLURM_CPUS_PER_TASK.") var cpusPerTask: Int?
    @Option(help: "At most K tasks at once (the array's %K throttle).") var maxParallel: Int?
    @Option(help: "Another sbatch option for both jobs, e.g. --sbatch-arg=--account=lab (repeatable).")
    var sbatchArg: [String] = []
    @Option(help: "A shell line run before imjoy-run in each job, e.g. 'module load hdf5' (repeatable).")
    var setup: [String] = []
    @Option(help: "A name for the jobs (default: imjoy-<workflow name>).") var jobName: String?

    @Flag(help: "Submit the array and the gather job with sbatch and print their ids.")
    var submit = false

    func validate() throws {
        func usage(_ message: String) throws -> Never {
            printError(message)
            throw ExitCode.invalidInput
        }
        if arraySize != nil && itemsPerTask != nil { try usage("give --array-size or --items-per-task, not both") }
        if let arraySize, arraySize < 1 { try usage("--array-size must be at least 1") }
        if let itemsPerTask, itemsPerTask < 1 { try usage("--items-per-task must be at least 1") }
        if let maxParallel, maxParallel < 1 { try usage("--max-parallel must be at least 1") }
        if let cpusPerTask, cpusPerTask < 1 { try usage("--cpus-per-task must be at least 1") }
    }

    func run() throws {
        let scheduler = SlurmScheduler()
        if submit {
            // Before anything is written: no job folder for a submission that cannot happen.
            try withInputErrors { try scheduler.checkSubmission() }
        }
        let plan = try options.plan()
        let itemCount = plan.items.count
        let tasks = itemsPerTask.map { Shard.count(itemCount: itemCount, itemsPerTask: $0) } ?? arraySize ?? min(max(itemCount, 1), 1000)
        let out = Self.absolute(outputDirectory)
        let runDirectory = URL(fileURLWithPath: out).appendingPathComponent(".imjoy-run/slurm/\(Self.timestamp())")
        let logs = runDirectory.appendingPathComponent("logs")
        let scripts = scheduler.scripts(for: request(plan: plan, tasks: tasks, out: out, logs: logs.path))
        FileHandle.standardError.write(Data("imjoy-run: \(ShardPlan(plan).explanation)\n".utf8))
        let arrayURL = runDirectory.appendingPathComponent(scripts.arrayFileName)
        let gatherURL = runDirectory.appendingPathComponent(scripts.gatherFileName)
        try withInputErrors {
            try FileManager.default.createDirectory(at: logs, withIntermediateDirectories: true)
            try Self.writeExecutable(scripts.array, to: arrayURL)
            try Self.writeExecutable(scripts.gather, to: gatherURL)
        }
        guard submit else {
            print(
                """
                wrote \(arrayURL.path)  (\(tasks) tasks over \(itemCount) items)
                wrote \(gatherURL.path)
                logs: \(logs.path)/
                \(scripts.manualSubmission(arrayURL.path, gatherURL.path))
                """)
            return
        }
        let jobs: SubmittedJobs
        do {
            jobs = try scheduler.submit(SubmittedScripts(arrayPath: arrayURL.path, gatherPath: gatherURL.path))
        } catch {
            printError("\(error)")
            throw ExitCode.someFailed
        }
        try? "ARRAY_JOB_ID=\(jobs.arrayJob)\nGATHER_JOB_ID=\(jobs.gatherJob)\nTASKS=\(tasks)\n".write(
            to: runDirectory.appendingPathComponent("jobs.env"), atomically: true, encoding: .utf8)
        print("array_job=\(jobs.arrayJob) tasks=\(tasks)")
        print("gather_job=\(jobs.gatherJob)")
        print("logs=\(logs.path)")
        print("run_dir=\(runDirectory.path)")
    }

    /// The array job of `plan`: `run` on each task's shard, then `gather`.
    private func request(plan: WorkflowPlan, tasks: Int, out: String, logs: String) -> ArrayJobRequest {
        let binary = Self.executablePath()
        let workflow = Self.absolute(options.workflow)
        var common: [String] = []
        for directory in options.pluginDirectories { common += ["--plugins", Self.absolute(directory)] }
        for variable in options.variables { common += ["--var", variable] }
        let hostArguments = hosts.commandLine
        var runArguments = ["run", workflow, "--out", out, "--no-progress"] + common + hostArguments
        if let format { runArguments += ["--format", format.rawValue] }
        if let itemsPerTask { runArguments += ["--items-per-task", String(itemsPerTask)] }
        var gatherArguments = ["gather", workflow, "--out", out, "--shards", String(tasks)] + common
        let name = plan.workflow.name
        var gatherComment = "\(name): gather the \(tasks) shards (submitted with --dependency=afterok:<array job>)"
        let shardPlan = ShardPlan(plan)
        if shardPlan.needsSerialStep {
            // Stateful ops see every item in order: the array fills the cache, one serial run follows.
            runArguments.append("--array-phase")
            gatherArguments =
                ["run", workflow, "--out", out, "--no-progress"] + common + hostArguments
                + (format.map { ["--format", $0.rawValue] } ?? [])
            gatherComment =
                "\(name): the serial step, after the array (--dependency=afterok:<array job>): "
                + "\(shardPlan.serialOps.joined(separator: ", ")) over all \(plan.items.count) items in item order, the rest from the cache"
        }
        return ArrayJobRequest(
            jobName: jobName ?? "imjoy-" + OutputPaths.sanitized(name), tasks: tasks, maxParallel: maxParallel, logDirectory: logs,
            resources: JobResources(partition: partition, time: time, memory: mem, cpusPerTask: cpusPerTask, extra: sbatchArg),
            setup: setup, arrayCommand: [binary] + runArguments, gatherCommand: [binary] + gatherArguments,
            arrayComment:
                "\(name): \(plan.items.count) items in \(tasks) array tasks (shard = SLURM_ARRAY_TASK_ID - MIN); reruns skip complete items",
            gatherComment: gatherComment)
    }

    // MARK: - Helpers

    static func absolute(_ path: String) -> String {
        let joined = path.hasPrefix("/") ? path : (FileManager.default.currentDirectoryPath as NSString).appendingPathComponent(path)
        return (joined as NSString).standardizingPath
    }

    static func executablePath() -> String {
        if let link = try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe") { return link }
        return absolute(Bundle.main.executablePath ?? CommandLine.arguments[0])
    }

    static func timestamp() -> String {
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = TimeZone(identifier: "UTC")
        formatter.dateFormat = "yyyyMMdd-HHmmss"
        return formatter.string(from: Date()) + "-\(ProcessInfo.processInfo.processIdentifier)"
    }

    static func writeExecutable(_ text: String, to url: URL) throws {
        try text.write(to: url, atomically: true, encoding: .utf8)
        try FileManager.default.setAttributes([.posixPermissions: 0o755], ofItemAtPath: url.path)
    }
}
