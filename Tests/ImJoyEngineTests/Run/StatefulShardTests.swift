import Foundation
import ImJoySchema
import ImJoyWorkflow
import TestSupport
import Testing

@testable import ImJoyEngine

/// Sharded = local with a stateful plugin (CellCounter's running total) and a shared HDF5 file:
/// the array phase on 4 shards, then the serial step, equals a local run byte for byte.
@Suite(.enabled(if: RunTestConditions.pythonWithNumpy, "needs python3 with numpy"))
struct StatefulShardTests {
    static let workflow = """
        {"name": "stateful", "plugins": {"count": "\(Fixtures.samples.appendingPathComponent("plugins/CellCounter.imjoy.html").path)"},
         "inputs": {"images": {"glob": "*.tif"}},
         "ops": [{"id": "load", "builtin": "read-tiff"},
                 {"id": "smooth", "builtin": "gaussian", "config": {"sigma": 1.5}},
                 {"id": "mask", "builtin": "threshold", "config": {"method": "mean"}, "data": "$smooth"},
                 {"id": "count", "plugin": "count", "config": {"min_area": 2}, "data": {"mask": "$mask"}},
                 {"id": "save-smooth", "builtin": "write-hdf5", "config": {"path": "smooth.h5", "dataset": "smooth"}, "data": "$smooth"}]}
        """

    @Test func theShardPlanPutsTheStatefulOpAndItsDependentsInTheSerialStep() throws {
        let fixture = try RunFixture(count: 1, workflow: Self.workflow)
        defer { fixture.remove() }
        let shardPlan = ShardPlan(try fixture.plan())
        #expect(shardPlan.statefulOps.map(\.id) == ["count"])
        #expect(shardPlan.serialOps == ["count"])
        #expect(shardPlan.arrayOps == ["load", "smooth", "mask"])
        #expect(shardPlan.explanation.contains("array tasks run load, smooth, mask"), "\(shardPlan.explanation)")
    }

    @Test func aShardOfTheWholeWorkflowIsRefusedNamingTheOpAndTheFix() throws {
        let fixture = try RunFixture(count: 4, workflow: Self.workflow)
        defer { fixture.remove() }
        var options = fixture.options()
        (options.shard, options.isSharded) = (try Shard(index: 1, count: 4), true)
        do {
            _ = try fixture.run(options)
            Issue.record("a shard of a stateful workflow ran")
        } catch {
            #expect("\(error)".contains("'count' (plugin CellCounter) is not functional"), "\(error)")
            #expect("\(error)".contains("--array-phase"), "\(error)")
        }
        #expect(!FileManager.default.fileExists(atPath: fixture.out.appendingPathComponent("manifest.json").path))
    }

    @Test func fourShardsAndTheSerialStepEqualALocalRunAndVerifyClean() throws {
        let fixture = try RunFixture(count: 7, workflow: Self.workflow)
        defer { fixture.remove() }
        let local = fixture.directory.appendingPathComponent("local")
        #expect(try fixture.run(fixture.options(local)).status == .succeeded)
        let plan = try fixture.plan()
        for index in 0..<4 {
            var options = fixture.options()
            (options.shard, options.isSharded) = (try Shard(index: index, count: 4), true)
            let phase = ArrayPhase(plan: plan, options: options)
            #expect(phase.plan.ops.map(\.id) == ["load", "smooth", "mask"])
            #expect(try WorkflowRun(plan: phase.plan, options: phase.options).run().status == .succeeded)
        }
        #expect(!FileManager.default.fileExists(atPath: fixture.out.appendingPathComponent("smooth.h5").path))
        let serial = try fixture.run(fixture.options())
        #expect(serial.status == .succeeded, "\(serial.text)")
        let localFiles = try Self.files(local)
        let shardedFiles = try Self.files(fixture.out)
        #expect(localFiles.keys.sorted() == shardedFiles.keys.sorted())
        #expect(localFiles.keys.contains("smooth.h5") && localFiles.keys.contains("img_6/count.json"))
        for (path, digest) in localFiles { #expect(shardedFiles[path] == digest, "\(path) differs") }
        let total = try JSONValue(jsonText: String(contentsOf: fixture.out.appendingPathComponent("img_6/count.json"), encoding: .utf8))
        let localTotal = try JSONValue(jsonText: String(contentsOf: local.appendingPathComponent("img_6/count.json"), encoding: .utf8))
        #expect(total["running_total"] == localTotal["running_total"])
        // The manifest records what the stateful plugin ran on (its runtime identity).
        let manifest = try RunManifest.read(fixture.out.appendingPathComponent("manifest.json"))
        let runtime = manifest["environment"]?["plugins"]?["count"]?["runtime"]
        #expect(runtime?["interpreter"]?.stringValue?.hasPrefix("/") == true, "\(String(describing: manifest["environment"]))")
        #expect(runtime?["packages_sha256"]?.stringValue?.count == 64 && runtime?["host_sha256"]?.stringValue?.count == 64)
        #expect(manifest["environment"]?["plugins"]?["count"]?["name"] == .string("CellCounter"))
        var verify = RunVerification.Options(manifest: fixture.out.appendingPathComponent("manifest.json").path)
        verify.temporaryParent = fixture.directory
        let report = try RunVerification(options: verify).run()
        #expect(report.exitCode == 0 && report.differences == 0, "\(report.text)")
    }

    /// SHA-256 of every file under `folder` but the run state; the manifest without its timestamps.
    static func files(_ folder: URL) throws -> [String: String] {
        var digests: [String: String] = [:]
        let enumerator = FileManager.default.enumerator(atPath: folder.path)
        while let path = enumerator?.nextObject() as? String {
            if path.hasPrefix(".imjoy-run") { continue }
            let url = folder.appendingPathComponent(path)
            var isDirectory: ObjCBool = false
            guard FileManager.default.fileExists(atPath: url.path, isDirectory: &isDirectory), !isDirectory.boolValue else { continue }
            var data = try Data(contentsOf: url)
            if path == "manifest.json", case .object(var manifest) = try JSONValue(jsonText: String(decoding: data, as: UTF8.self)) {
                manifest["timestamps"] = nil
                data = Data(JSONValue.object(manifest).serialized().utf8)
            }
            digests[path] = SHA256.hex(data)
        }
        return digests
    }
}
