import Foundation

/// Slurm: job arrays (`sbatch --array`), `SLURM_ARRAY_TASK_*` inside them, and a gather job
/// submitted with `--dependency=afterok:<array job>` (docs/hpc.md).
public struct SlurmScheduler: BatchScheduler {
    /// Where Slurm's commands are looked for (`nil`: `PATH`).
    public var searchPath: String?

    public init(searchPath: String? = nil) {
        self.searchPath = searchPath
    }

    public var name: String { "slurm" }

    /// Index `(ID − MIN) / STEP`; count `COUNT`, else `(MAX − MIN) / STEP + 1`. A list array
    /// (`--array=1,4,9`) has no constant step and is refused.
    public func arrayTask(environment: [String: String]) throws(SchedulerError) -> ArrayTask? {
        guard let idText = environment["SLURM_ARRAY_TASK_ID"] else { return nil }
        func number(_ name: String) throws(SchedulerError) -> Int? {
            guard let text = environment[name], !text.isEmpty else { return nil }
            guard let value = Int(text) else { throw .environment("\(name)='\(text)' is not an integer") }
            return value
        }
        guard let id = Int(idText) else { throw .environment("SLURM_ARRAY_TASK_ID='\(idText)' is not an integer") }
        let minimum = try number("SLURM_ARRAY_TASK_MIN") ?? 0
        let step = try number("SLURM_ARRAY_TASK_STEP") ?? 1
        guard step >= 1 else { throw .environment("SLURM_ARRAY_TASK_STEP=\(step) is not positive") }
        guard id >= minimum, (id - minimum) % step == 0 else {
            throw .environment("array task \(id) is not MIN \(minimum) + k × STEP \(step); give --shard I/N")
        }
        let fromRange = try number("SLURM_ARRAY_TASK_MAX").map { ($0 - minimum) / step + 1 }
        let count = try number("SLURM_ARRAY_TASK_COUNT") ?? fromRange
        if let fromRange, let count, fromRange != count {
            throw .environment(
                "SLURM_ARRAY_TASK_COUNT=\(count) does not match MIN..MAX:STEP (\(fromRange) tasks): a list array has no constant step; give --shard I/N"
            )
        }
        let description = "SLURM_ARRAY_TASK_ID=\(id) (MIN \(minimum), STEP \(step)\(count.map { ", COUNT \($0)" } ?? ""))"
        return ArrayTask(index: (id - minimum) / step, count: count, description: description)
    }

    public func cpusPerTask(environment: [String: String]) -> Int? {
        guard let text = environment["SLURM_CPUS_PER_TASK"], let cpus = Int(text), cpus > 0 else { return nil }
        return cpus
    }

    /// `SLURM_ARRAY_JOB_ID_SLURM_ARRAY_TASK_ID`, else `SLURM_JOB_ID`.
    public func jobIdentifier(environment: [String: String]) -> String? {
        if let array = environment["SLURM_ARRAY_JOB_ID"], let task = environment["SLURM_ARRAY_TASK_ID"] { return "\(array)_\(task)" }
        return environment["SLURM_JOB_ID"]
    }

    // MARK: - Scripts

    public func scripts(for request: ArrayJobRequest) -> ArrayJobScripts {
        var resources: [String] = []
        if let partition = request.resources.partition { resources.append("--partition=\(partition)") }
        if let time = request.resources.time { resources.append("--time=\(time)") }
        if let memory = request.resources.memory { resources.append("--mem=\(memory)") }
        resources += request.resources.extra
        let array = "0-\(request.tasks - 1)" + (request.maxParallel.map { "%\($0)" } ?? "")
        var arrayLines =
            ["--job-name=\(request.jobName)", "--array=\(array)", "--output=\(request.logDirectory)/task-%A_%a.out"] + resources
        if let cpus = request.resources.cpusPerTask { arrayLines.append("--cpus-per-task=\(cpus)") }
        let gatherLines = ["--job-name=\(request.jobName)-gather", "--output=\(request.logDirectory)/gather-%j.out"] + resources
        return ArrayJobScripts(
            array: Self.script(
                sbatch: arrayLines, setup: request.setup, comment: request.arrayComment,
                command: "exec " + request.arrayCommand.map(Self.shellQuoted).joined(separator: " ") + " > /dev/null"),
            gather: Self.script(
                sbatch: gatherLines, setup: request.setup, comment: request.gatherComment,
                command: "exec " + request.gatherCommand.map(Self.shellQuoted).joined(separator: " ")),
            arrayFileName: "array.sbatch", gatherFileName: "gather.sbatch",
            manualSubmission: { arrayPath, gatherPath in
                """
                submit (hold the array until the gather job is queued, so afterok cannot miss it):
                  ARRAY=$(sbatch --parsable --hold \(Self.shellQuoted(arrayPath))); ARRAY=${ARRAY%%;*}
                  sbatch --parsable --dependency=afterok:$ARRAY --kill-on-invalid-dep=yes \(Self.shellQuoted(gatherPath))
                  scontrol release $ARRAY
                """
            })
    }

    static func script(sbatch: [String], setup: [String], comment: String, command: String) -> String {
        var lines = ["#!/bin/bash", "# written by imjoy-run slurm: \(comment)"]
        lines += sbatch.map { "#SBATCH \($0)" }
        lines += ["set -euo pipefail"]
        lines += setup
        lines.append(command)
        return lines.joined(separator: "\n") + "\n"
    }

    // MARK: - Submission

    /// The commands submission needs: `sbatch`, `scontrol`, `scancel`.
    static let commands = ["sbatch", "scontrol", "scancel"]

    public func checkSubmission() throws(SchedulerError) {
        let missing = Self.commands.filter { Subprocess.which($0, path: searchPath) == nil }
        guard missing.isEmpty else {
            throw .unavailable(
                "--submit needs Slurm's \(missing.joined(separator: ", ")) on PATH (not found); run on a Slurm login node, or leave out --submit to write the scripts only"
            )
        }
    }

    /// Submits the array held, the gather job with `afterok` on it, then releases the array; on
    /// a failure cancels what was submitted.
    public func submit(_ scripts: SubmittedScripts) throws(SchedulerError) -> SubmittedJobs {
        let arrayJob = try Self.sbatch(["--parsable", "--hold", scripts.arrayPath])
        let gatherJob: String
        do {
            gatherJob = try Self.sbatch(["--parsable", "--dependency=afterok:\(arrayJob)", "--kill-on-invalid-dep=yes", scripts.gatherPath])
        } catch {
            _ = try? Self.command(["scancel", arrayJob])
            throw error
        }
        do {
            _ = try Self.command(["scontrol", "release", arrayJob])
        } catch {
            _ = try? Self.command(["scancel", arrayJob, gatherJob])
            throw error
        }
        return SubmittedJobs(arrayJob: arrayJob, gatherJob: gatherJob)
    }

    /// Runs sbatch and returns the job id (`--parsable` prints `id[;cluster]`).
    static func sbatch(_ arguments: [String]) throws(SchedulerError) -> String {
        let output = try command(["sbatch"] + arguments)
        let id = output.split(separator: "\n").first.map { String($0.split(separator: ";").first ?? "") } ?? ""
        guard !id.isEmpty, id.allSatisfy(\.isNumber) else { throw .command("sbatch printed no job id: \(output)") }
        return id
    }

    /// Runs `arguments` (stdout and stderr drained together) and returns its standard output.
    static func command(_ arguments: [String]) throws(SchedulerError) -> String {
        let result: Subprocess.Result
        do { result = try Subprocess(arguments).run() } catch { throw .command(error.description) }
        guard result.succeeded else {
            throw .command("\(arguments.joined(separator: " ")) failed (exit \(result.status)): \(result.errorText)")
        }
        return result.outputText
    }
}
