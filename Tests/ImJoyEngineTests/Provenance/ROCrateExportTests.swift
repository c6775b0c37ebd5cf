import Foundation
import ImJoySchema
import Testing
import TestSupport
@testable import ImJoyEngine

/// `export-crate`: the run as a Workflow Run RO-Crate, read back by ro-crate-py and checked by
/// the RO-Crate validator's workflow-run-crate profile (0.5).
@Suite struct ROCrateExportTests {
    static let hasROCrate = (try? CommandRunner.python("import rocrate"))?.status == 0
    static let hasValidator = (try? CommandRunner.python("import rocrate_validator"))?.status == 0

    /// A finished run of the stateful workflow (a Python plugin when python3 with numpy is there).
    static func exportedRun(to crate: Bool) throws -> (RunFixture, URL) {
        let workflow = RunTestConditions.pythonWithNumpy ? StatefulShardTests.workflow : RunFixture.pipeline
        let fixture = try RunFixture(count: 3, workflow: workflow)
        #expect(try fixture.run().status == .succeeded)
        let folder = crate ? fixture.directory.appendingPathComponent("crate") : fixture.out
        let result = try ROCrateExport(options: .init(outputDirectory: fixture.out.path, crateDirectory: crate ? folder.path : nil)).run()
        #expect(result.metadataFile == folder.appendingPathComponent("ro-crate-metadata.json").path)
        return (fixture, folder)
    }

    @Test func theCrateNamesTheWorkflowRunInputsOutputsAndTiming() throws {
        let (fixture, crate) = try Self.exportedRun(to: true)
        defer { fixture.remove() }
        let text = try String(contentsOf: crate.appendingPathComponent("ro-crate-metadata.json"), encoding: .utf8)
        let graph = try JSONValue(jsonText: text)["@graph"]?.arrayValue ?? []
        func entity(_ id: String) -> JSONValue? { graph.first { $0["@id"]?.stringValue == id } }
        #expect(entity("./")?["mainEntity"]?["@id"] == .string("workflow/w.json"))
        #expect(entity("./")?["conformsTo"]?.arrayValue?.contains(["@id": "https://w3id.org/ro/wfrun/workflow/0.5"]) == true)
        let workflow = try #require(entity("workflow/w.json"))
        #expect(workflow["@type"]?.arrayValue?.contains("ComputationalWorkflow") == true)
        #expect(workflow["sha256"]?.stringValue == (try SHA256.file(fixture.workflowFile).sha256))
        let run = try #require(entity("#run"))
        #expect(run["@type"] == "CreateAction" && run["startTime"]?.stringValue != nil && run["endTime"]?.stringValue != nil)
        #expect(entity("#config-smooth-sigma")?["@type"] == "FormalParameter")
        #expect(entity("#config-smooth-sigma-value")?["value"] == .number(1.5))
        // The outputs were copied and carry their hashes.
        let manifest = try RunManifest.read(fixture.out.appendingPathComponent("manifest.json"))
        for output in RunVerification.recordedOutputs(manifest) {
            #expect(entity(output.path)?["sha256"] == .string(output.sha256))
            #expect(try SHA256.file(crate.appendingPathComponent(output.path).path).sha256 == output.sha256)
        }
        if RunTestConditions.pythonWithNumpy {
            let plugin = try #require(entity("workflow/plugins/CellCounter.imjoy.html"))
            #expect(plugin["sha256"]?.stringValue?.count == 64)
            #expect(entity("#runtime-count")?["version"]?.stringValue?.isEmpty == false)
        }
    }

    @Test(.enabled(if: hasROCrate, "needs ro-crate-py (pip install rocrate; scripts/setup)"))
    func roCratePyReadsTheCrate() throws {
        let (fixture, crate) = try Self.exportedRun(to: false)
        defer { fixture.remove() }
        let result = try CommandRunner.python("""
            import sys
            from rocrate.rocrate import ROCrate
            crate = ROCrate(sys.argv[1])
            main = crate.mainEntity
            assert "ComputationalWorkflow" in main.type, main.type
            actions = [e for e in crate.get_entities() if e.type == "CreateAction"]
            assert len(actions) == 1 and actions[0]["instrument"] is main, actions
            assert actions[0]["result"], "no results"
            print("ok", len(list(crate.get_entities())))
            """, [crate.path])
        #expect(result.status == 0 && result.standardOutput.contains("ok"), "\(result.standardOutput)\(result.standardError)")
    }

    /// The validator can check a crate: it reads the RO-Crate JSON-LD context from w3id.org
    /// (the network, or its HTTP cache). Without it every shape matches nothing and any crate
    /// "passes", so a crate missing the required entities must fail first.
    static let validatorWorks: Bool = {
        guard hasValidator else { return false }
        let probe = try? CommandRunner.python("""
            import json, os, tempfile
            from rocrate_validator import services
            with tempfile.TemporaryDirectory() as folder:
                graph = [{"@id": "ro-crate-metadata.json", "@type": "CreativeWork", "about": {"@id": "./"},
                          "conformsTo": {"@id": "https://w3id.org/ro/crate/1.1"}},
                         {"@id": "./", "@type": "Dataset", "name": "no workflow, no action", "datePublished": "2026-01-01", "license": "x"}]
                with open(os.path.join(folder, "ro-crate-metadata.json"), "w") as f:
                    json.dump({"@context": "https://w3id.org/ro/crate/1.1/context", "@graph": graph}, f)
                try:
                    result = services.validate(services.ValidationSettings(rocrate_uri=folder, profile_identifier="workflow-run-crate"))
                    print("works" if not result.passed() else "vacuous")
                except Exception as error:
                    print("unavailable", error)
            """)
        return probe?.standardOutput.contains("works") == true
    }()

    @Test(.enabled(if: validatorWorks, "needs roc-validator (pip install roc-validator; scripts/setup) and the RO-Crate JSON-LD context from https://w3id.org/ro/crate/1.1/context (network or the validator's cache); offline it would pass any crate"))
    func theValidatorPassesForTheWorkflowRunCrateProfile() throws {
        let (fixture, crate) = try Self.exportedRun(to: true)
        defer { fixture.remove() }
        let result = try CommandRunner.python("""
            import sys
            from rocrate_validator import services, models
            settings = services.ValidationSettings(
                rocrate_uri=sys.argv[1], profile_identifier="workflow-run-crate", requirement_severity=models.Severity.REQUIRED)
            result = services.validate(settings)
            for issue in result.get_issues():
                print("issue:", issue.check.identifier, issue.message)
            print("passed" if result.passed() else "failed")
            """, [crate.path])
        #expect(result.status == 0 && result.standardOutput.contains("passed"), "\(result.standardOutput)\(result.standardError)")
    }
}
