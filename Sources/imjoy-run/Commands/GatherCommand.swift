import ArgumentParser
import Foundation
import ImJoyEngine
import ImJoyWorkflow

/// `imjoy-run gather WORKFLOW --out DIR`: combines the shards of an array run (docs/hpc.md).
struct GatherCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "gather",
        abstract: "Combine the shards of a sharded run: check them, link shared HDF5 files, merge events.",
        discussion: """
            Checks that every shard 0..<N left a run record without failures and that every item's \
            outputs match its completion record (size and SHA-256); writes NAME.h5 with external \
            links to each NAME.shard-I-of-N.h5 (no data copied), gathered-events.jsonl and \
            gathered-runs.json. Exit 0 when complete, 1 listing the missing shards and the failed \
            or incomplete items, 2 for an invalid workflow or usage.
            """
    )

    @OptionGroup var options: WorkflowOptions

    @Option(name: .customLong("out"), help: "The output folder the shards wrote to.")
    var outputDirectory = "out"

    @Option(help: "How many shards the array had (default: the count the run records agree on).")
    var shards: Int?

    func validate() throws {
        if let shards, shards < 1 { throw ValidationError("--shards must be at least 1") }
    }

    func run() throws {
        let plan = try options.plan()
        let shardPlan = ShardPlan(plan)
        if shardPlan.needsSerialStep {
            // Its shards only filled the cache (--array-phase): the serial step makes the outputs.
            printError(
                "nothing to gather: \(shardPlan.statefulOps.map { "'\($0.id)'" }.joined(separator: ", ")) \(shardPlan.statefulOps.count == 1 ? "is" : "are") not functional, so a sharded run "
                    + "of this workflow ends with the serial step, which writes every output and manifest.json: imjoy-run run \(options.workflow) --out \(outputDirectory)"
            )
            throw ExitCode.invalidInput
        }
        let gather = ShardGather(plan: plan, outputDirectory: outputDirectory)
        let lock = try withInputErrors { try gather.lockOutputDirectory() }
        defer { lock?.release() }
        let report: ShardGather.Report
        do {
            report = try gather.run(expectedShards: shards)
        } catch let problem as ShardGather.Problem {
            printError(problem.description)
            throw ExitCode.someFailed
        }
        print(report.text)
        if !report.isComplete {
            printError(
                "gather incomplete: \(report.missingShards.count) missing shards, \(report.failedShards.count) failed shards, \(report.incompleteItems.count) incomplete items (listed above); no master HDF5 file written"
            )
            throw ExitCode.someFailed
        }
    }
}
