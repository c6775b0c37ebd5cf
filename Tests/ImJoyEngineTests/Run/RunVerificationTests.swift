import Foundation
import ImJoyWorkflow
import TestSupport
import Testing

@testable import ImJoyEngine

/// `verify` in process: the on-disk check against the manifest, then the rerun.
@Suite struct RunVerificationTests {
    @Test func aCleanRunVerifiesIdenticalOnDiskAndInTheRerun() throws {
        let fixture = try RunFixture(count: 2)
        defer { fixture.remove() }
        #expect(try fixture.run().status == .succeeded)
        var options = RunVerification.Options(manifest: fixture.out.appendingPathComponent("manifest.json").path)
        options.temporaryParent = fixture.directory
        let report = try RunVerification(options: options).run()
        #expect(report.exitCode == 0, "\(report.text)")
        #expect(!report.onDisk.isEmpty && report.onDisk.allSatisfy { $0.status == .identical })
        #expect(report.rerun.count == report.onDisk.count && report.rerun.allSatisfy { $0.status == .identical }, "\(report.text)")
        #expect(report.text.contains("identical  img_0/mask.tif"))
        // The rerun's temporary folder is gone.
        let left = try FileManager.default.contentsOfDirectory(atPath: fixture.directory.path).filter { $0.hasPrefix("imjoy-run-verify-") }
        #expect(left.isEmpty, "\(left)")
    }

    @Test func aTamperedOrMissingOutputOnDiskIsNamed() throws {
        let fixture = try RunFixture(count: 2)
        defer { fixture.remove() }
        #expect(try fixture.run().status == .succeeded)
        try Data("{\"mean\": 0}".utf8).write(to: fixture.out.appendingPathComponent("img_1/stats.json"))
        try FileManager.default.removeItem(at: fixture.out.appendingPathComponent("img_0/mask.tif"))
        var options = RunVerification.Options(manifest: fixture.out.appendingPathComponent("manifest.json").path)
        (options.rerun, options.temporaryParent) = (false, fixture.directory)
        let report = try RunVerification(options: options).run()
        #expect(report.exitCode == 1)
        #expect(report.rerun.isEmpty)
        #expect(report.onDisk.first { $0.path == "img_1/stats.json" }?.status == .changed)
        #expect(report.onDisk.first { $0.path == "img_0/mask.tif" }?.status == .missing)
        #expect(report.text.contains("changed    img_1/stats.json  (on disk:"), "\(report.text)")
        #expect(report.text.contains("missing    img_0/mask.tif  (on disk: not on disk)"), "\(report.text)")
        // With the rerun, the re-derived outputs still match the manifest: only the disk differs.
        options.rerun = true
        let full = try RunVerification(options: options).run()
        #expect(full.exitCode == 1 && full.differences == 2, "\(full.text)")
        #expect(full.rerun.allSatisfy { $0.status == .identical }, "\(full.text)")
    }

    @Test func aGatheredShardedRunWithASharedHDF5FileVerifiesClean() throws {
        let fixture = try RunFixture(count: 5, workflow: ShardedWorkflowRunTests.workflow)
        defer { fixture.remove() }
        for index in 0..<2 {
            var options = fixture.options()
            (options.shard, options.isSharded) = (try Shard(index: index, count: 2), true)
            #expect(try fixture.run(options).status == .succeeded)
        }
        #expect(try ShardGather(plan: try fixture.plan(), outputDirectory: fixture.out.path).run().isComplete)
        var options = RunVerification.Options(manifest: fixture.out.appendingPathComponent("manifest.json").path)
        options.temporaryParent = fixture.directory
        let report = try RunVerification(options: options).run()
        #expect(report.exitCode == 0, "\(report.text)")
        #expect(report.rerun.contains { $0.path == "smooth.shard-0001-of-0002.h5" && $0.status == .identical }, "\(report.text)")
        #expect(report.notes.contains("rerun as 2 shards and gathered, as recorded"))
    }

    @Test func anUnreadableManifestThrows() throws {
        let directory = try Fixtures.temporaryDirectory("imjoy-run-verify-test")
        defer { try? FileManager.default.removeItem(at: directory) }
        let options = RunVerification.Options(manifest: directory.appendingPathComponent("nope.json").path)
        #expect(throws: RunVerificationError.self) { try RunVerification(options: options).run() }
    }
}
