import Foundation
import TestSupport
import Testing

/// A workflow with a stateful (non-functional) plugin through the binary: `run --shard` is
/// refused naming the op, `slurm` plans the array phase and the serial job and says so, and
/// `gather` points to the serial step. Nothing is run (no Python needed).
@Suite struct StatefulShardCommandTests {
    static func workflowFolder() throws -> URL {
        let directory = try Fixtures.temporaryDirectory("imjoy-run-cli-stateful")
        let plugin = Fixtures.url("plugins/python/Stateful.imjoy.html").path
        try """
        {"name": "stateful", "plugins": {"st": "\(plugin)"}, "inputs": {"n": {"values": [0, 1, 2, 3]}},
         "ops": [{"id": "double", "builtin": "stats"}, {"id": "seen", "plugin": "st"}]}
        """.write(to: directory.appendingPathComponent("w.json"), atomically: true, encoding: .utf8)
        return directory
    }

    @Test func shardIsRefusedWithTheOpAndTheFix() throws {
        let directory = try Self.workflowFolder()
        defer { try? FileManager.default.removeItem(at: directory) }
        let result = try CommandRunner.imjoyRun(["run", "w.json", "--out", "out", "--shard", "1/2"], in: directory)
        #expect(result.status == 2, "\(result.standardError)")
        #expect(result.standardError.contains("op 'seen' (plugin Stateful) is not functional"), "\(result.standardError)")
        #expect(result.standardError.contains("--array-phase"))
        let gather = try CommandRunner.imjoyRun(["gather", "w.json", "--out", "out"], in: directory)
        #expect(gather.status == 2 && gather.standardError.contains("serial step"), "\(gather.standardError)")
    }

    @Test func slurmPlansTheArrayPhaseAndTheSerialJob() throws {
        let directory = try Self.workflowFolder()
        defer { try? FileManager.default.removeItem(at: directory) }
        let result = try CommandRunner.imjoyRun(["slurm", "w.json", "--out", "out", "--items-per-task", "2"], in: directory)
        #expect(result.status == 0, "\(result.standardError)")
        #expect(result.standardError.contains("plan: seen is not functional"), "\(result.standardError)")
        #expect(result.standardError.contains("the array tasks run double into the shared cache"), "\(result.standardError)")
        let runs = directory.appendingPathComponent("out/.imjoy-run/slurm")
        let run = try #require(try FileManager.default.contentsOfDirectory(atPath: runs.path).first)
        let array = try String(contentsOf: runs.appendingPathComponent("\(run)/array.sbatch"), encoding: .utf8)
        let serial = try String(contentsOf: runs.appendingPathComponent("\(run)/gather.sbatch"), encoding: .utf8)
        #expect(array.contains(" --items-per-task 2 --array-phase"), "\(array)")
        let command = try #require(serial.split(separator: "\n").last { $0.hasPrefix("exec ") })
        #expect(command.contains(" run ") && command.contains("/w.json --out ") && !command.contains("gather"), "\(serial)")
        #expect(serial.contains("the serial step"), "\(serial)")
    }
}
