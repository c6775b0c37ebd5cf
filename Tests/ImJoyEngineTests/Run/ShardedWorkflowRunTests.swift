import Foundation
import ImJoyWorkflow
import Synchronization
import TestSupport
import Testing

@testable import ImJoyEngine

/// Shards, resume and gather through the engine's API (converted from the CLI tests).
@Suite struct ShardedWorkflowRunTests {
    static let workflow = """
        {"name": "shards", "inputs": {"images": {"glob": "*.tif"}},
         "ops": [{"id": "load", "builtin": "read-tiff"},
                 {"id": "smooth", "builtin": "gaussian", "config": {"sigma": 1.5}},
                 {"id": "mask", "builtin": "threshold", "config": {"method": "mean", "foreground": 255}},
                 {"id": "stats", "builtin": "stats", "data": "$smooth"},
                 {"id": "save-mask", "builtin": "write-tiff", "config": {"path": "{stem}_mask.tif"}, "data": "$mask"},
                 {"id": "save-smooth", "builtin": "write-hdf5", "config": {"path": "smooth.h5", "dataset": "smooth"}, "data": "$smooth"}]}
        """

    /// Notes the run logs (resume lines).
    final class Notes: Sendable {
        let lines = Mutex<[String]>([])
        var log: RunLog { RunLog(note: { line in self.lines.withLock { $0.append(line) } }, warning: { _ in }) }
        var all: [String] { lines.withLock { $0 } }
    }

    @Test func resumeRedoesOnlyADeletedOrTruncatedOutput() throws {
        let fixture = try RunFixture(
            count: 4, workflow: Self.workflow.replacingOccurrences(of: "\"path\": \"smooth.h5\"", with: "\"path\": \"{item}/smooth.h5\""))
        defer { fixture.remove() }
        var whole = fixture.options()
        (whole.shard, whole.isSharded) = (try Shard(index: 0, count: 1), true)
        #expect(try fixture.run(whole).status == .succeeded)
        let notes = Notes()
        whole.log = notes.log
        #expect(try fixture.run(whole).resumed == 4)
        #expect(notes.all.contains { $0.contains("skipped 4 of 4 items") }, "\(notes.all)")
        try FileManager.default.removeItem(at: fixture.out.appendingPathComponent("img_2_mask.tif"))
        let stats = fixture.out.appendingPathComponent("img_1/stats.json")
        try Data("{}".utf8).write(to: stats)
        var resume = fixture.options()
        resume.resume = true
        let resumed = try fixture.run(resume)
        #expect(resumed.status == .succeeded && resumed.resumed == 2 && resumed.items == 2, "\(resumed.text)")
        #expect(FileManager.default.fileExists(atPath: fixture.out.appendingPathComponent("img_2_mask.tif").path))
        #expect(try String(contentsOf: stats, encoding: .utf8).contains("mean"))
        // Without resume (and outside a shard) everything runs again.
        let plain = try fixture.run(fixture.options(fixture.directory.appendingPathComponent("plain")))
        #expect(plain.resumed == 0 && plain.items == 4)
    }

    @Test func gatherFailsOnMissingShardsAndFailedItems() throws {
        let fixture = try RunFixture(count: 6, workflow: Self.workflow)
        defer { fixture.remove() }
        try Data("not a tiff".utf8).write(to: fixture.directory.appendingPathComponent("img_0.tif"))
        for index in [0, 2] {
            var options = fixture.options()
            (options.shard, options.isSharded) = (try Shard(index: index, count: 3), true)
            _ = try fixture.run(options)
        }
        let gather = ShardGather(plan: try fixture.plan(), outputDirectory: fixture.out.path)
        let report = try gather.run()
        #expect(!report.isComplete)
        #expect(report.text.contains("missing shards (no run record): 1"), "\(report.text)")
        #expect(report.text.contains("failed shard 0: exit code 1; item img_0, op load"), "\(report.text)")
        #expect(report.text.contains("incomplete item img_0"))
        #expect(!FileManager.default.fileExists(atPath: fixture.out.appendingPathComponent("smooth.h5").path))
    }

    @Test func gatherWaitsForNoRunningShard() throws {
        let fixture = try RunFixture(count: 2, workflow: Self.workflow)
        defer { fixture.remove() }
        let shard = try OutputDirectoryLock.acquire(outputDirectory: fixture.out.path, shared: true, shardLabel: "shard-0000-of-0002")
        defer { shard.release() }
        #expect(throws: WorkflowRunError.self) {
            try ShardGather(plan: try fixture.plan(), outputDirectory: fixture.out.path).lockOutputDirectory()
        }
    }

    @Test func anInputsSchemaViolationFailsTheItem() throws {
        let fixture = try RunFixture(
            count: 1,
            workflow: """
                {"name": "s", "inputs": {"files": {"files": ["img_0.tif", "notes.txt"]}}, "ops": [{"id": "load", "builtin": "read-tiff"}]}
                """)
        defer { fixture.remove() }
        try Data("x".utf8).write(to: fixture.directory.appendingPathComponent("notes.txt"))
        let summary = try fixture.run()
        #expect(summary.exitCode == 1)
        #expect(summary.tasks.failures.contains { $0.message.contains("inputs schema") }, "\(summary.text)")
    }
}
