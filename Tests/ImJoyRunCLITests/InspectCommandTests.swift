import Foundation
import ImJoySchema
import TestSupport
import Testing

@Suite struct InspectCommandTests {
    static let samplePlugins: [String] = {
        let directory = Fixtures.samples.appendingPathComponent("plugins")
        let names = (try? FileManager.default.contentsOfDirectory(atPath: directory.path)) ?? []
        return names.filter { $0.hasSuffix(".imjoy.html") }.sorted().map { "samples/plugins/\($0)" }
    }()

    static let malformed: [(String, String)] = {
        let expected = (try? JSONValue(jsonText: Fixtures.text("plugins/malformed/expected.json")))?.objectValue ?? [:]
        return expected.map { ("Tests/Fixtures/plugins/malformed/\($0.key).imjoy.html", $0.value.stringValue ?? "") }
    }()

    @Test func samplesAreThere() {
        #expect(Self.samplePlugins.count >= 6)
        #expect(Self.malformed.count >= 20)
    }

    @Test(arguments: samplePlugins)
    func jsonSucceedsOnEverySample(_ path: String) throws {
        let result = try CommandRunner.imjoyRun(["inspect", path, "--json"])
        #expect(result.status == 0, "\(result.standardError)")
        let value = try JSONValue(jsonText: result.standardOutput)
        let keys = Array(value.objectValue?.keys ?? [])
        #expect(keys.prefix(4) == ["name", "type", "version", "api_version"])
        for key in ["scripts", "attachments", "docs", "ops", "warnings", "tag", "flags", "requirements", "runnable"] {
            #expect(keys.contains(key), "missing \(key)")
        }
        #expect(value["scripts"]?.arrayValue?.isEmpty == false)
    }

    @Test(arguments: malformed)
    func malformedPluginExitsTwoWithOneLineNamingFileAndField(_ path: String, _ expected: String) throws {
        let result = try CommandRunner.imjoyRun(["inspect", path])
        #expect(result.status == 2)
        let lines = result.standardError.split(separator: "\n")
        #expect(lines.count == 1, "\(result.standardError)")
        #expect(result.standardError.contains(path))
        #expect(result.standardError.contains(expected), "\(result.standardError)")
    }

    @Test func taggedSampleResolvesRequestedTag() throws {
        let result = try CommandRunner.imjoyRun(["inspect", "samples/plugins/Segment.imjoy.html@GPU", "--json"])
        #expect(result.status == 0, "\(result.standardError)")
        let value = try JSONValue(jsonText: result.standardOutput)
        #expect(value["tag"] == "GPU")
        #expect(value["requirements"] == ["numpy", "conda: cupy", "cmd: nvidia-smi"])
        #expect(value["scripts"]?.arrayValue?.count == 3)
    }

    @Test func resolvesRepositoryReferencesThroughThePluginPath() throws {
        let result = try CommandRunner.imjoyRun(
            ["inspect", "imjoy-run/plugins:Normalize", "--json"], environment: ["IMJOY_PLUGIN_PATH": "samples"])
        #expect(result.status == 0, "\(result.standardError)")
        #expect(try JSONValue(jsonText: result.standardOutput)["name"] == "Normalize")
    }

    @Test func directoryInspectsEveryPlugin() throws {
        let result = try CommandRunner.imjoyRun(["inspect", "samples/plugins", "--json"])
        #expect(result.status == 0, "\(result.standardError)")
        #expect(try JSONValue(jsonText: result.standardOutput).arrayValue?.count == Self.samplePlugins.count)
    }

    /// Text `inspect` lists the ops a plugin registers with `api.register`, as `--json` does
    /// (found in the scripts): ImJoy's JavaScript register example, and a Python plugin.
    @Test(arguments: [
        "Tests/Fixtures/real-plugins/imjoy-demo-plugins/examples/register.imjoy.html", "Tests/Fixtures/plugins/python/Echo.imjoy.html",
    ])
    func textListsRegisteredOpsAsJSONDoes(_ path: String) throws {
        let text = try CommandRunner.imjoyRun(["inspect", path])
        #expect(text.status == 0, "\(text.standardError)")
        let json = try JSONValue(jsonText: try CommandRunner.imjoyRun(["inspect", path, "--json"]).standardOutput)
        let registered = (json["ops"]?.arrayValue ?? []).filter { $0["registered"] == true }.compactMap { $0["name"]?.stringValue }
        #expect(registered.count >= 2, "\(json["ops"] ?? .null)")
        for name in registered {
            #expect(text.standardOutput.contains("  op \(name) (registered with api.register):"), "\(name): \(text.standardOutput)")
        }
        if path.hasSuffix("register.imjoy.html") {
            #expect(registered == ["Numbers", "Animals"])
            #expect(text.standardOutput.contains("    number: number = 5  min 0  max 100"), "\(text.standardOutput)")
            #expect(
                text.standardOutput.contains(#"    animal: choose = "tiger"  options ["dog","goldfish","tiger"]"#), "\(text.standardOutput)"
            )
        } else {
            #expect(registered.starts(with: ["Pid", "Make", "Same"]), "\(registered)")
            #expect(
                text.standardOutput.contains("  op Pid (registered with api.register):\n    (parameters not known before the plugin runs)"))
        }
    }

    @Test func versionAndHelp() throws {
        #expect(try CommandRunner.imjoyRun(["--version"]).standardOutput.contains("0."))
        let help = try CommandRunner.imjoyRun(["--help"])
        #expect(help.standardOutput.contains("inspect"))
        #expect(help.standardOutput.contains("Examples"))
    }
}
