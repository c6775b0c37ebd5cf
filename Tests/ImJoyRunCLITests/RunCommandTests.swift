import Foundation
import ImJoySchema
import TestSupport
import Testing

/// End-to-end runs of the built binary on generated images.
@Suite(.serialized, .enabled(if: TestConditions.pythonWithNumpy, "needs python3 with numpy, tifffile, h5py and scipy"))
struct RunCommandTests {
    /// A folder with `count` small uint16 TIFFs written by tifffile, and a workflow over them.
    static func makeBatch(count: Int = 4, workflow: String) throws -> URL {
        let directory = try Fixtures.temporaryDirectory("imjoy-run-cli")
        let script = """
            import sys, numpy as np, tifffile
            rng = np.random.default_rng(3)
            for i in range(int(sys.argv[2])):
                tifffile.imwrite(f"{sys.argv[1]}/img_{i}.tif", rng.integers(0, 4000, (32, 40), dtype=np.uint16))
            """
        let result = try CommandRunner.python(script, [directory.path, String(count)])
        #expect(result.status == 0, "\(result.standardError)")
        try workflow.write(to: directory.appendingPathComponent("w.json"), atomically: true, encoding: .utf8)
        return directory
    }

    static let pipeline = """
        {"name": "cli", "inputs": {"images": {"glob": "*.tif"}},
         "ops": [{"id": "load", "builtin": "read-tiff"},
                 {"id": "smooth", "builtin": "gaussian", "config": {"sigma": 1.5}},
                 {"id": "mask", "builtin": "threshold", "config": {"method": "mean"}},
                 {"id": "stats", "builtin": "stats", "data": "$smooth"}]}
        """

    @Test func runsAWorkflowAndWritesOutputsThatPythonReads() throws {
        let directory = try Self.makeBatch(workflow: Self.pipeline)
        defer { try? FileManager.default.removeItem(at: directory) }
        let out = directory.appendingPathComponent("out")
        let events = directory.appendingPathComponent("events.jsonl")
        let result = try CommandRunner.imjoyRun(["w.json", "--out", out.path, "--events", events.path, "--jobs", "2"], in: directory)
        #expect(result.status == 0, "\(result.standardError)")
        #expect(result.standardError.contains("4/4 items succeeded"))
        let check = try CommandRunner.python(
            """
            import sys, json, numpy as np, tifffile
            from scipy import ndimage
            out = sys.argv[1]
            for i in range(4):
                image = tifffile.imread(f"{sys.argv[2]}/img_{i}.tif").astype(np.float32)
                smooth = ndimage.gaussian_filter(image, 1.5)
                mask = tifffile.imread(f"{out}/img_{i}/mask.tif")
                expected = (smooth > smooth.mean()).astype(np.uint8)
                assert mask.dtype == np.uint8 and mask.shape == (32, 40), (mask.dtype, mask.shape)
                assert (mask != expected).sum() <= 2, (mask != expected).sum()
                stats = json.load(open(f"{out}/img_{i}/stats.json"))
                assert abs(stats["mean"] - float(smooth.mean())) < 1e-2, stats
            print("ok")
            """, [out.path, directory.path])
        #expect(check.status == 0, "\(check.standardError)")
        let lines = try String(contentsOf: events, encoding: .utf8).split(separator: "\n")
        #expect(lines.filter { $0.contains("\"event\":\"task\"") }.count == 16)
    }

    @Test func dryRunPrintsThePlanAndWritesNothing() throws {
        let directory = try Self.makeBatch(count: 3, workflow: Self.pipeline)
        defer { try? FileManager.default.removeItem(at: directory) }
        let result = try CommandRunner.imjoyRun(["run", "w.json", "--dry-run", "--out", "out"], in: directory)
        #expect(result.status == 0, "\(result.standardError)")
        #expect(result.standardOutput.contains("3 items × 4 ops = 12 tasks"))
        #expect(!FileManager.default.fileExists(atPath: directory.appendingPathComponent("out").path))
    }

    @Test func invalidWorkflowExitsTwoNamingFileOpAndPath() throws {
        let directory = try Self.makeBatch(
            count: 1,
            workflow: """
                {"name": "bad", "inputs": {"images": {"glob": "*.tif"}},
                 "ops": [{"id": "a", "builtin": "gaussian", "config": {"sigma": -1}, "data": "$b"},
                         {"id": "b", "builtin": "gaussian", "data": "$a"}]}
                """)
        defer { try? FileManager.default.removeItem(at: directory) }
        let validate = try CommandRunner.imjoyRun(["validate", "w.json"], in: directory)
        #expect(validate.status == 2)
        #expect(
            validate.standardError.contains("w.json: op 'a' (ops[0].config.sigma): -1 is below the minimum 0"), "\(validate.standardError)")
        let run = try CommandRunner.imjoyRun(["w.json"], in: directory)
        #expect(run.status == 2)
    }

    @Test func cycleIsPrinted() throws {
        let directory = try Self.makeBatch(
            count: 1,
            workflow: """
                {"name": "cyc", "ops": [{"id": "a", "builtin": "gaussian", "data": "$b"}, {"id": "b", "builtin": "gaussian", "data": "$a"}]}
                """)
        defer { try? FileManager.default.removeItem(at: directory) }
        let result = try CommandRunner.imjoyRun(["validate", "w.json"], in: directory)
        #expect(result.status == 2)
        #expect(
            result.standardError.contains("cycle: a → b → a") || result.standardError.contains("cycle: b → a → b"),
            "\(result.standardError)")
    }

    @Test func graphPrintsDotAndMermaid() throws {
        let directory = try Self.makeBatch(count: 1, workflow: Self.pipeline)
        defer { try? FileManager.default.removeItem(at: directory) }
        let dot = try CommandRunner.imjoyRun(["graph", "w.json"], in: directory)
        #expect(dot.standardOutput.contains("\"smooth\" -> \"stats\";"))
        let mermaid = try CommandRunner.imjoyRun(["graph", "w.json", "--format", "mermaid"], in: directory)
        #expect(mermaid.standardOutput.hasPrefix("flowchart LR"))
    }

    @Test func pluginOpsAreRefusedUntilTheirHostExists() throws {
        let directory = try Self.makeBatch(
            count: 1,
            workflow: """
                {"name": "p", "plugins": {"w": "Worker.imjoy.html"}, "inputs": {"images": {"glob": "*.tif"}},
                 "ops": [{"id": "load", "builtin": "read-tiff"}, {"id": "w", "plugin": "w"}]}
                """)
        defer { try? FileManager.default.removeItem(at: directory) }
        try #"<config lang="json">{"name": "W", "type": "rpc-worker", "api_version": "0.1.8"}</config><script>api.export({})</script>"#
            .write(to: directory.appendingPathComponent("Worker.imjoy.html"), atomically: true, encoding: .utf8)
        let result = try CommandRunner.imjoyRun(["w.json"], in: directory)
        #expect(result.status == 2)
        #expect(
            result.standardError.contains(
                "op 'w' (ops[1].plugin): plugin W is a rpc-worker plugin: imjoy-run has no host for rpc-worker plugins"),
            "\(result.standardError)")
    }
}

@Suite struct SamplePluginSchemaTests {
    @Test func everySamplePluginsSchemasCompileUnderImJoysNormalisation() throws {
        let directory = try Fixtures.temporaryDirectory("imjoy-run-samples")
        defer { try? FileManager.default.removeItem(at: directory) }
        let names = try FileManager.default.contentsOfDirectory(atPath: Fixtures.samples.appendingPathComponent("plugins").path)
            .filter { $0.hasSuffix(".imjoy.html") }.sorted()
        var plugins = JSONObject()
        var ops: [JSONValue] = []
        for (i, name) in names.enumerated() {
            plugins["p\(i)"] = .string(Fixtures.samples.appendingPathComponent("plugins/\(name)").path)
            ops.append(["id": .string("op\(i)"), "plugin": .string("p\(i)"), "data": 1])
        }
        let workflow: JSONValue = ["name": "samples", "plugins": .object(plugins), "ops": .array(ops)]
        try workflow.serialized().write(to: directory.appendingPathComponent("w.json"), atomically: true, encoding: .utf8)
        let result = try CommandRunner.imjoyRun(["validate", "w.json"], in: directory)
        #expect(result.status == 0, "\(result.standardError)")
    }
}
