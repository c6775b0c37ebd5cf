import ArgumentParser
import Foundation
import ImJoyEngine
import ImJoyWorkflow

/// `imjoy-run slurm WORKFLOW`: one Slurm job array for the batch, plus a gather job (docs/hpc.md).
struct SlurmCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "slurm",
        abstract: "Write (and with --submit, submit) a Slurm job array for a workflow, and its gather job.",
        discussion: """
            Each array task runs `imjoy-run run WORKFLOW` on its shard, taken from SLURM_ARRAY_TASK_ID; \
            a rerun (requeue, resubmit) skips items whose outputs are complete. The gather job runs \
            `imjoy-run gather` with --dependency=afterok:<array job>: it runs only when every task \
            succeeded. Scripts and logs (one file per task) go to OUT/.imjoy-run/slurm/<run>/.
            """
    )

    @OptionGroup var options: WorkflowOptions

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
        let plan = try options.plan()
        let itemCount = plan.items.count
        let tasks = itemsPerTask.map { Shard.count(itemCount: itemCount, itemsPerTask: $0) } ?? arraySize ?? min(max(itemCount, 1), 1000)
        let out = Self.absolute(outputDirectory)
        let stamp = Self.timestamp()
        let runDirectory = URL(fileURLWithPath: out).appendingPathComponent(".imjoy-run/slurm/\(stamp)")
        let logs = runDirectory.appendingPathComponent("logs")
        try withInputErrors { try FileManager.default.createDirectory(at: logs, withIntermediateDirectories: true) }
        let name = jobName ?? "imjoy-" + OutputPaths.sanitized(plan.workflow.name)
        let binary = Self.executablePath()
        let workflow = Self.absolute(options.workflow)

        var common: [String] = []
        for directory in options.pluginDirectories { common += ["--plugins", Self.absolute(directory)] }
        for variable in options.variables { common += ["--var", variable] }

        var runArguments = ["run", workflow, "--out", out, "--no-progress"] + common
        if let format { runArguments += ["--format", format.rawValue] }
        if let itemsPerTask { runArguments += ["--items-per-task", String(itemsPerTask)] }
        let gatherArguments = ["gather", workflow, "--out", out, "--shards", String(tasks)] + common

        var resources: [String] = []
        if let partition { resources.append("--partition=\(partition)") }
        if let time { resources.append("--time=\(time)") }
        if let mem { resources.append("--mem=\(mem)") }
        resources += sbatchArg

        let array = "0-\(tasks - 1)" + (maxParallel.map { "%\($0)" } ?? "")
        var arrayLines = ["--job-name=\(name)", "--array=\(array)", "--output=\(logs.path)/task-%A_%a.out"] + resources
        if let cpusPerTask { arrayLines.append("--cpus-per-task=\(cpusPerTask)") }
        let arrayScript = Self.script(
            sbatch: arrayLines, setup: setup,
            comment: "\(plan.workflow.name): \(itemCount) items in \(tasks) array tasks (shard = SLURM_ARRAY_TASK_ID - MIN); reruns skip complete items",
            command: "exec \(Self.quote(binary)) " + runArguments.map(Self.quote).joined(separator: " ") + " > /dev/null")
        let gatherScript = Self.script(
            sbatch: ["--job-name=\(name)-gather", "--output=\(logs.path)/gather-%j.out"] + resources, setup: setup,
            comment: "\(plan.workflow.name): gather the \(tasks) shards (submitted with --dependency=afterok:<array job>)",
            command: "exec \(Self.quote(binary)) " + gatherArguments.map(Self.quote).joined(separator: " "))
        let arrayURL = runDirectory.appendingPathComponent("array.sbatch")
        let gatherURL = runDirectory.appendingPathComponent("gather.sbatch")
        try withInputErrors {
            try Self.writeExecutable(arrayScript, to: arrayURL)
            try Self.writeExecutable(gatherScript, to: gatherURL)
        }

        guard submit else {
            print("""
                wrote \(arrayURL.path)  (\(tasks) tasks over \(itemCount) items)
                wrote \(gatherURL.path)
                logs: \(logs.path)/
                submit (hold the array until the gather job is queued, so afterok cannot miss it):
                  ARRAY=$(sbatch --parsable --hold \(Self.quote(arrayURL.path))); ARRAY=${ARRAY%%;*}
                  sbatch --parsable --dependency=afterok:$ARRAY --kill-on-invalid-dep=yes \(Self.quote(gatherURL.path))
                  scontrol release $ARRAY
                """)
            return
        }
        let arrayJob = try Self.sbatch(["--parsable", "--hold", arrayURL.path])
        let gatherJob: String
        do {
            gatherJob = try Self.sbatch(["--parsable", "--dependency=afterok:\(arrayJob)", "--kill-on-invalid-dep=yes", gatherURL.path])
        } catch {
            _ = try? Self.command("scancel", [arrayJob])
            throw error
        }
        do {
            _ = try Self.command("scontrol", ["release", arrayJob])
        } catch {
            _ = try? Self.command("scancel", [arrayJob, gatherJob])
            throw error
        }
        try? "ARRAY_JOB_ID=\(arrayJob)\nGATHER_JOB_ID=\(gatherJob)\nTASKS=\(tasks)\n".write(
            to: runDirectory.appendingPathComponent("jobs.env"), atomically: true, encoding: .utf8)
        print("array_job=\(arrayJob) tasks=\(tasks)")
        print("gather_job=\(gatherJob)")
        print("logs=\(logs.path)")
        print("run_dir=\(runDirectory.path)")
    }

    // MARK: - Helpers

    static func script(sbatch: [String], setup: [String], comment: String, command: String) -> String {
        var lines = ["#!/bin/bash", "# written by imjoy-run slurm: \(comment)"]
        lines += sbatch.map { "#SBATCH \($0)" }
        lines += ["set -euo pipefail"]
        lines += setup
        lines.append(command)
        return lines.joined(separator: "\n") + "\n"
    }

    static func quote(_ text: String) -> String {
        if !text.isEmpty, text.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || "/._-=:,+@%".contains($0)) }) { return text }
        return "'" + text.replacingOccurrences(of: "'", with: "'\\''") + "'"
    }

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

    /// Runs sbatch and returns the job id (`--parsable` prints `id[;cluster]`).
    static func sbatch(_ arguments: [String]) throws -> String {
        let output = try command("sbatch", arguments)
        let id = output.split(separator: "\n").first.map { String($0.split(separator: ";").first ?? "") } ?? ""
        guard !id.isEmpty, id.allSatisfy(\.isNumber) else {
            printError("sbatch printed no job id: \(output)")
            throw ExitCode.someFailed
        }
        return id
    }

    static func command(_ name: String, _ arguments: [String]) throws -> String {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = [name] + arguments
        let output = Pipe(), error = Pipe()
        process.standardOutput = output
        process.standardError = error
        do { try process.run() } catch {
            printError("cannot run \(name): \(error)")
            throw ExitCode.someFailed
        }
        let data = output.fileHandleForReading.readDataToEndOfFile()
        let errorData = error.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        guard process.terminationStatus == 0 else {
            printError("\(name) \(arguments.joined(separator: " ")) failed (exit \(process.terminationStatus)): \(String(decoding: errorData, as: UTF8.self))")
            throw ExitCode.someFailed
        }
        return String(decoding: data, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
    }
}
