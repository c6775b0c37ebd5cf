import Foundation
import TestSupport
import Testing

/// Shards, resume and gather through the built binary (the Slurm side is scripts/slurm-ci).
@Suite(.serialized, .enabled(if: TestConditions.pythonWithNumpy, "needs python3 with numpy, tifffile, h5py and scipy"))
struct ShardedRunTests {
    static let workflow = """
        {"name": "shards", "inputs": {"images": {"glob": "*.tif"}},
         "ops": [{"id": "load", "builtin": "read-tiff"},
                 {"id": "smooth", "builtin": "gaussian", "config": {"sigma": 1.5}},
                 {"id": "mask", "builtin": "threshold", "config": {"method": "mean", "foreground": 255}},
                 {"id": "stats", "builtin": "stats", "data": "$smooth"},
                 {"id": "save-mask", "builtin": "write-tiff", "config": {"path": "{stem}_mask.tif"}, "data": "$mask"},
                 {"id": "save-smooth", "builtin": "write-hdf5", "config": {"path": "smooth.h5", "dataset": "smooth"}, "data": "$smooth"}]}
        """

    static func batch(count: Int) throws -> URL {
        try RunCommandTests.makeBatch(count: count, workflow: workflow)
    }

    static func run(_ arguments: [String], in directory: URL, environment: [String: String]? = nil) throws -> CommandResult {
        try CommandRunner.imjoyRun(arguments + ["--no-progress"], in: directory, environment: environment)
    }

    @Test func shardsThenGatherEqualOneRun() throws {
        let directory = try Self.batch(count: 7)
        defer { try? FileManager.default.removeItem(at: directory) }
        let whole = try Self.run(["run", "w.json", "--out", "whole"], in: directory)
        #expect(whole.status == 0, "\(whole.standardError)")
        for index in 0..<3 {
            let result = try Self.run(["run", "w.json", "--out", "sharded", "--shard", "\(index)/3"], in: directory)
            #expect(result.status == 0, "\(result.standardError)")
            #expect(result.standardError.contains("shard \(index)/3 (--shard)"))
        }
        let files = try FileManager.default.contentsOfDirectory(atPath: directory.appendingPathComponent("sharded").path)
        #expect(
            files.filter { $0.hasPrefix("smooth.shard-") }.sorted()
                == ["smooth.shard-0000-of-0003.h5", "smooth.shard-0001-of-0003.h5", "smooth.shard-0002-of-0003.h5"])
        let gather = try CommandRunner.imjoyRun(["gather", "w.json", "--out", "sharded"], in: directory)
        #expect(gather.status == 0, "\(gather.standardError)")
        #expect(gather.standardOutput.contains("7/7 items complete"))
        let check = try CommandRunner.python(
            """
            import sys, os, filecmp, h5py, numpy as np
            a, b = sys.argv[1] + "/whole", sys.argv[1] + "/sharded"
            with h5py.File(a + "/smooth.h5") as x, h5py.File(b + "/smooth.h5") as y:
                assert sorted(x.keys()) == sorted(y.keys()), (list(x.keys()), list(y.keys()))
                for k in x.keys():
                    assert type(y.get(k, getlink=True)).__name__ == "ExternalLink"
                    assert np.array_equal(x[k]["smooth"][()], y[k]["smooth"][()])
            for name in os.listdir(a):
                if name.endswith("_mask.tif"):
                    assert filecmp.cmp(f"{a}/{name}", f"{b}/{name}", shallow=False), name
            n = sum(1 for line in open(b + "/gathered-events.jsonl") if '"event":"task"' in line)
            assert n == 7 * 6, n
            print("ok")
            """, [directory.path])
        #expect(check.status == 0, "\(check.standardError)")
    }

    @Test func resumeAfterKillNineFinishesTheRest() throws {
        let directory = try Fixtures.temporaryDirectory("imjoy-run-kill")
        defer { try? FileManager.default.removeItem(at: directory) }
        let made = try CommandRunner.python(
            """
            import sys, numpy as np, tifffile
            rng = np.random.default_rng(5)
            for i in range(40):
                tifffile.imwrite(f"{sys.argv[1]}/img_{i:02d}.tif", rng.integers(0, 4000, (256, 256), dtype=np.uint16))
            """, [directory.path])
        #expect(made.status == 0, "\(made.standardError)")
        try Self.workflow.replacingOccurrences(of: "\"sigma\": 1.5", with: "\"sigma\": 6")
            .replacingOccurrences(of: "\"path\": \"smooth.h5\"", with: "\"path\": \"{item}/smooth.h5\"")
            .write(to: directory.appendingPathComponent("w.json"), atomically: true, encoding: .utf8)
        let process = Process()
        process.executableURL = Fixtures.imjoyRunExecutable
        process.arguments = ["run", "w.json", "--out", "out", "--jobs", "1", "--no-progress", "--shard", "0/1"]
        process.currentDirectoryURL = directory
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        try process.run()
        let records = directory.appendingPathComponent("out/.imjoy-run/items")
        let deadline = Date().addingTimeInterval(60)
        while Date() < deadline, process.isRunning,
            ((try? FileManager.default.contentsOfDirectory(atPath: records.path))?.filter { $0.hasSuffix(".json") }.count ?? 0) < 3
        {
            usleep(5_000)
        }
        let wasRunning = process.isRunning
        kill(process.processIdentifier, SIGKILL)
        process.waitUntilExit()
        let done = (try? FileManager.default.contentsOfDirectory(atPath: records.path))?.filter { $0.hasSuffix(".json") }.count ?? 0
        #expect(wasRunning && done >= 3 && done < 40, "killed: \(wasRunning), records: \(done), status \(process.terminationStatus)")
        let resumed = try Self.run(["run", "w.json", "--out", "out", "--shard", "0/1"], in: directory)
        #expect(resumed.status == 0, "\(resumed.standardError)")
        #expect(resumed.standardError.contains("skipped \(done) of 40 items"), "\(resumed.standardError)")
        #expect(resumed.standardError.contains("\(40 - done)/\(40 - done) items succeeded"), "\(resumed.standardError)")
        let after = try Self.run(["run", "w.json", "--out", "out", "--shard", "0/1"], in: directory)
        #expect(after.standardError.contains("skipped 40 of 40 items"), "\(after.standardError)")
    }

    @Test func shardFromTheSlurmArrayEnvironment() throws {
        let directory = try Self.batch(count: 5)
        defer { try? FileManager.default.removeItem(at: directory) }
        let environment = [
            "SLURM_ARRAY_TASK_ID": "7", "SLURM_ARRAY_TASK_MIN": "3", "SLURM_ARRAY_TASK_MAX": "7",
            "SLURM_ARRAY_TASK_STEP": "2", "SLURM_ARRAY_TASK_COUNT": "3", "SLURM_ARRAY_JOB_ID": "42",
        ]
        let result = try Self.run(["run", "w.json", "--out", "out"], in: directory, environment: environment)
        #expect(result.status == 0, "\(result.standardError)")
        #expect(
            result.standardError.contains("SLURM_ARRAY_TASK_ID=7 (MIN 3, STEP 2, COUNT 3) → shard 2/3: items 4..<5 of 5"),
            "\(result.standardError)")
        #expect(FileManager.default.fileExists(atPath: directory.appendingPathComponent("out/smooth.shard-0002-of-0003.h5").path))
        let record = try String(
            contentsOf: directory.appendingPathComponent("out/.imjoy-run/runs/shard-0002-of-0003.json"), encoding: .utf8)
        #expect(record.contains("\"slurmJob\" : \"42_7\""))
    }

    @Test func slurmWritesArrayAndGatherScripts() throws {
        let directory = try Self.batch(count: 10)
        defer { try? FileManager.default.removeItem(at: directory) }
        let result = try CommandRunner.imjoyRun(
            [
                "slurm", "w.json", "--out", "out", "--items-per-task", "3", "--max-parallel", "2", "--partition", "short",
                "--time", "00:30:00", "--mem", "2G", "--cpus-per-task", "4", "--sbatch-arg=--account=lab", "--setup", "module load hdf5",
                "--container-runtime", "apptainer", "--container-bind", "/scratch:/data:ro", "--python-search", "envs/bin",
            ],
            in: directory)
        #expect(result.status == 0, "\(result.standardError)")
        #expect(result.standardOutput.contains("(4 tasks over 10 items)"))
        #expect(result.standardOutput.contains("--dependency=afterok:$ARRAY"))
        let runs = directory.appendingPathComponent("out/.imjoy-run/slurm")
        let run = try #require(try FileManager.default.contentsOfDirectory(atPath: runs.path).first)
        let array = try String(contentsOf: runs.appendingPathComponent("\(run)/array.sbatch"), encoding: .utf8)
        for line in [
            "#SBATCH --array=0-3%2", "#SBATCH --partition=short", "#SBATCH --time=00:30:00", "#SBATCH --mem=2G",
            "#SBATCH --cpus-per-task=4", "#SBATCH --account=lab", "module load hdf5", "/logs/task-%A_%a.out",
            " run \(directory.path)/w.json --out \(directory.path)/out --no-progress --python-search \(directory.path)/envs/bin"
                + " --container-runtime apptainer --container-bind /scratch:/data:ro --items-per-task 3",
        ] {
            #expect(array.contains(line), "\(line) not in:\n\(array)")
        }
        #expect(array.contains("exec /"))
        let gather = try String(contentsOf: runs.appendingPathComponent("\(run)/gather.sbatch"), encoding: .utf8)
        #expect(gather.contains(" gather \(directory.path)/w.json --out \(directory.path)/out --shards 4"), "\(gather)")
        let both = try CommandRunner.imjoyRun(["slurm", "w.json", "--array-size", "2", "--items-per-task", "3"], in: directory)
        #expect(both.status == 2)
    }
}
