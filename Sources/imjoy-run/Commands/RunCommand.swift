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

    @Option(help: "Write JSON-lines task events to this file.")
    var events: String?

    @Flag(help: "No progress bar, even on a terminal.")
    var noProgress = false

    @Option(help: "The Python interpreter for Python plugins (over prepared environments and the plugins' cmd).")
    var python: String?

    @Option(help: "The run state folder: plugin logs, api.setConfig values, WORK_DIR (default: OUT/.imjoy-run).")
    var stateDir: String?

    @Option(help: "Where `imjoy-run env` keeps prepared environments (default: ~/.cache/imjoy-run/envs).")
    var cacheDir: String?

    func run() throws {
        let plan = try options.plan()
        if dryRun {
            print(plan.dryRunText())
            return
        }
        let runOptions = RunOptions(
            jobs: jobs ?? RunOptions.defaultJobs(), failFast: failFast, retries: retries,
            outputDirectory: outputDirectory, arrayFormat: format)
        let hdf5Files = SharedHDF5Files()
        let pythonOptions = PythonHostOptions(
            interpreter: python, stateDirectory: stateDir ?? outputDirectory + "/.imjoy-run",
            environmentCache: cacheDir ?? PythonEnvironment.defaultCacheRoot(), jobs: runOptions.jobs)
        let invoker = try withInputErrors { try EngineInvoker(plan: plan, hdf5Files: hdf5Files, python: pythonOptions) }
        let signals = PluginProcessSignals.install()
        defer { signals.cancel() }
        var observers: [any RunObserver] = []
        var eventHandle: FileHandle?
        if let events {
            eventHandle = try withInputErrors { try openForWriting(events) }
            observers.append(JSONLinesEventWriter(handle: eventHandle!, workflow: plan.workflow.name))
        }
        let stdoutIsTerminal = isatty(STDOUT_FILENO) == 1
        if !stdoutIsTerminal { observers.append(JSONLinesEventWriter(handle: .standardOutput, workflow: plan.workflow.name)) }
        if isatty(STDERR_FILENO) == 1 && !noProgress { observers.append(ProgressBar()) }
        for warning in plan.validated.warnings { printWarning(warning) }

        let executor = WorkflowExecutor(
            plan: plan, invoker: invoker, options: runOptions,
            sink: OutputWriter(options: runOptions, defaults: plan.workflow.output, hdf5Files: hdf5Files),
            checker: try withInputErrors { try SchemaDataChecker(plan: plan) },
            observer: RunObservers(observers))
        var summary = executor.run()
        invoker.shutdown()
        if let number = PluginProcessSignals.received.value {
            // The handler is stopping the plugins and exits with 128 + the signal; so do we.
            throw ExitCode(128 + number)
        }
        do {
            summary.outputs = Set(summary.outputs + (try hdf5Files.finish())).sorted()
        } catch {
            printError("closing the shared HDF5 files: \(error)")
            throw ExitCode.someFailed
        }
        try? eventHandle?.close()
        let text = summary.text + "\noutputs in \(outputDirectory)/"
        if stdoutIsTerminal { print(text) } else { FileHandle.standardError.write(Data((text + "\n").utf8)) }
        if summary.exitCode != 0 { throw ExitCode.someFailed }
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
                PythonHosts.terminateAll(grace: 1)
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
