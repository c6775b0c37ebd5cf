import Foundation
import TestSupport
import Testing

/// `imjoy-run export-crate` through the binary: a finished run becomes a crate; no run is exit 2.
@Suite struct ExportCrateCommandTests {
    @Test func anOutDirWithoutManifestIsExitTwo() throws {
        let directory = try Fixtures.temporaryDirectory("imjoy-run-cli-crate")
        defer { try? FileManager.default.removeItem(at: directory) }
        let result = try CommandRunner.imjoyRun(["export-crate", "out"], in: directory)
        #expect(result.status == 2, "\(result.standardError)")
        #expect(result.standardError.contains("cannot read") && result.standardError.contains("manifest.json"), "\(result.standardError)")
        #expect(!FileManager.default.fileExists(atPath: directory.appendingPathComponent("out/ro-crate-metadata.json").path))
    }

    @Test(.enabled(if: TestConditions.pythonWithNumpy, "needs python3 with numpy and tifffile for the input images"))
    func aRunBecomesACrateInItsOutDir() throws {
        let directory = try CheckFunctionalCommandTests.images()
        defer { try? FileManager.default.removeItem(at: directory) }
        try """
        {"name": "crate", "inputs": {"images": {"glob": "*.tif"}}, "ops": [{"id": "load", "builtin": "read-tiff"}, {"id": "stats", "builtin": "stats"}]}
        """.write(to: directory.appendingPathComponent("w.json"), atomically: true, encoding: .utf8)
        let run = try CommandRunner.imjoyRun(["run", "w.json", "--out", "out", "--no-progress"], in: directory)
        guard run.status == 0 else {
            Issue.record("the run failed: \(run.standardError)")
            return
        }
        let result = try CommandRunner.imjoyRun(["export-crate", "out", "--license", "https://spdx.org/licenses/MIT"], in: directory)
        #expect(result.status == 0, "\(result.standardError)")
        let metadata = try String(contentsOf: directory.appendingPathComponent("out/ro-crate-metadata.json"), encoding: .utf8)
        #expect(metadata.contains("\"ComputationalWorkflow\"") && metadata.contains("https://w3id.org/ro/wfrun/workflow/0.5"))
        #expect(metadata.contains("https://spdx.org/licenses/MIT"))
        #expect(FileManager.default.fileExists(atPath: directory.appendingPathComponent("out/workflow/w.json").path))
        #expect(metadata.contains(directory.appendingPathComponent("a.tif").standardizedFileURL.absoluteString), "inputs by file:// URI")
    }
}
