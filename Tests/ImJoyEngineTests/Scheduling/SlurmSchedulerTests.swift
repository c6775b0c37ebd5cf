import Foundation
import ImJoyWorkflow
import Testing

@testable import ImJoyEngine

/// Slurm's array-task environment, scripts and submission checks (the Slurm side runs in
/// scripts/slurm-ci).
@Suite struct SlurmSchedulerTests {
    let slurm = SlurmScheduler()

    func shard(_ env: [String: String], itemCount: Int, itemsPerTask: Int? = nil) throws -> (shard: Shard?, reason: String)? {
        try slurm.arrayTask(environment: env).map { try $0.shard(itemCount: itemCount, itemsPerTask: itemsPerTask) }
    }

    @Test func arrayFromZero() throws {
        let env = [
            "SLURM_ARRAY_TASK_ID": "2", "SLURM_ARRAY_TASK_MIN": "0", "SLURM_ARRAY_TASK_MAX": "3",
            "SLURM_ARRAY_TASK_STEP": "1", "SLURM_ARRAY_TASK_COUNT": "4",
        ]
        let choice = try #require(try shard(env, itemCount: 10))
        #expect(choice.shard == (try Shard(index: 2, count: 4)))
        #expect(choice.reason == "SLURM_ARRAY_TASK_ID=2 (MIN 0, STEP 1, COUNT 4) → shard 2/4")
    }

    @Test func arrayWithOffsetAndStep() throws {
        // --array=10-22:4 → tasks 10, 14, 18, 22.
        var env = [
            "SLURM_ARRAY_TASK_ID": "18", "SLURM_ARRAY_TASK_MIN": "10", "SLURM_ARRAY_TASK_MAX": "22",
            "SLURM_ARRAY_TASK_STEP": "4", "SLURM_ARRAY_TASK_COUNT": "4",
        ]
        #expect(try shard(env, itemCount: 8)?.shard == (try Shard(index: 2, count: 4)))
        env["SLURM_ARRAY_TASK_COUNT"] = nil
        #expect(try shard(env, itemCount: 8)?.shard == (try Shard(index: 2, count: 4)))
        env["SLURM_ARRAY_TASK_ID"] = "17"
        #expect(throws: SchedulerError.self) { try shard(env, itemCount: 8) }
        // A list array (--array=1,4,9): COUNT disagrees with MIN..MAX:STEP.
        let list = [
            "SLURM_ARRAY_TASK_ID": "4", "SLURM_ARRAY_TASK_MIN": "1", "SLURM_ARRAY_TASK_MAX": "9",
            "SLURM_ARRAY_TASK_STEP": "1", "SLURM_ARRAY_TASK_COUNT": "3",
        ]
        #expect(throws: SchedulerError.self) { try shard(list, itemCount: 8) }
        // No size at all, and no packing.
        #expect(throws: SchedulerError.self) { try shard(["SLURM_ARRAY_TASK_ID": "1"], itemCount: 8) }
    }

    @Test func packing() throws {
        let env = [
            "SLURM_ARRAY_TASK_ID": "1", "SLURM_ARRAY_TASK_MIN": "0", "SLURM_ARRAY_TASK_MAX": "4",
            "SLURM_ARRAY_TASK_COUNT": "5",
        ]
        // 10 items at 3 per task: 4 shards; task 1 → shard 1/4; task 4 → nothing.
        #expect(try shard(env, itemCount: 10, itemsPerTask: 3)?.shard == (try Shard(index: 1, count: 4)))
        var last = env
        last["SLURM_ARRAY_TASK_ID"] = "4"
        let choice = try #require(try shard(last, itemCount: 10, itemsPerTask: 3))
        #expect(choice.shard == nil)
        // Too small an array for the packing.
        #expect(throws: SchedulerError.self) { try shard(env, itemCount: 10, itemsPerTask: 1) }
    }

    @Test func outsideAnArray() throws {
        #expect(try slurm.arrayTask(environment: ["SLURM_JOB_ID": "7"]) == nil)
        #expect(try BatchSchedulers.arrayTask(environment: [:]) == nil)
        #expect(slurm.jobIdentifier(environment: ["SLURM_JOB_ID": "7"]) == "7")
        #expect(slurm.jobIdentifier(environment: ["SLURM_ARRAY_JOB_ID": "42", "SLURM_ARRAY_TASK_ID": "3"]) == "42_3")
    }

    @Test func cpusPerTaskSetsTheDefaultJobs() {
        #expect(BatchSchedulers.cpusPerTask(environment: ["SLURM_CPUS_PER_TASK": "6"]) == 6)
        #expect(BatchSchedulers.cpusPerTask(environment: ["SLURM_CPUS_PER_TASK": "0"]) == nil)
        #expect(RunOptions.defaultJobs(environment: ["SLURM_CPUS_PER_TASK": "6"]) == 6)
        #expect(BatchSchedulers.named("Slurm")?.name == "slurm")
    }

    @Test func scriptsOfAnArrayAndItsGatherJob() {
        let request = ArrayJobRequest(
            jobName: "imjoy-w", tasks: 4, maxParallel: 2, logDirectory: "/o/logs",
            resources: JobResources(partition: "short", time: "01:00:00", memory: "4G", cpusPerTask: 3, extra: ["--account=lab"]),
            setup: ["module load hdf5"], arrayCommand: ["/bin/imjoy-run", "run", "my flow.json"],
            gatherCommand: ["/bin/imjoy-run", "gather", "w.json"], arrayComment: "array", gatherComment: "gather")
        let scripts = slurm.scripts(for: request)
        #expect(
            scripts.array == """
                #!/bin/bash
                # written by imjoy-run slurm: array
                #SBATCH --job-name=imjoy-w
                #SBATCH --array=0-3%2
                #SBATCH --output=/o/logs/task-%A_%a.out
                #SBATCH --partition=short
                #SBATCH --time=01:00:00
                #SBATCH --mem=4G
                #SBATCH --account=lab
                #SBATCH --cpus-per-task=3
                set -euo pipefail
                module load hdf5
                exec /bin/imjoy-run run 'my flow.json' > /dev/null

                """)
        #expect(scripts.gather.contains("#SBATCH --job-name=imjoy-w-gather\n#SBATCH --output=/o/logs/gather-%j.out\n"))
        #expect(!scripts.gather.contains("--cpus-per-task"))
        #expect(scripts.gather.hasSuffix("exec /bin/imjoy-run gather w.json\n"))
        #expect(scripts.manualSubmission("/a b/array.sbatch", "/g").contains("sbatch --parsable --hold '/a b/array.sbatch'"))
    }

    @Test func submissionWithoutSbatchIsRefusedUpFront() throws {
        let nowhere = SlurmScheduler(searchPath: "/nonexistent")
        #expect(throws: SchedulerError.self) { try nowhere.checkSubmission() }
        do { try nowhere.checkSubmission() } catch {
            #expect(error.description.contains("sbatch, scontrol, scancel"), "\(error)")
            if case .unavailable = error {} else { Issue.record("\(error)") }
        }
    }
}
