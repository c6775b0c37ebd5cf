import Foundation
import ImJoySchema
import TestSupport
import Testing

/// End-to-end runs of Python plugins (real Python 3 with numpy) through the built binary.
@Suite(.serialized, .enabled(if: TestConditions.pythonWithNumpy, "needs python3 with numpy, tifffile, h5py and scipy"))
struct PythonHostTests {
    static let plugins = Fixtures.url("plugins/python")
    static let samples = Fixtures.samples.appendingPathComponent("plugins")

    /// A folder holding `w.json` with `workflow`.
    static func folder(_ workflow: String) throws -> URL {
        let directory = try Fixtures.temporaryDirectory("imjoy-run-python")
        try workflow.write(to: directory.appendingPathComponent("w.json"), atomically: true, encoding: .utf8)
        return directory
    }

    static func run(_ directory: URL, _ extra: [String] = []) throws -> CommandResult {
        try CommandRunner.imjoyRun(["run", "w.json", "--out", "out", "--no-progress"] + extra, in: directory)
    }

    static func json(_ directory: URL, _ path: String) throws -> JSONValue {
        let data = try Data(contentsOf: directory.appendingPathComponent("out/" + path))
        return try JSONValue(jsonBytes: [UInt8](data))
    }

    /// The `task` events of a run's stdout (not a terminal in tests).
    static func tasks(_ result: CommandResult) -> [JSONValue] {
        result.standardOutput.split(separator: "\n").compactMap { try? JSONValue(jsonText: String($0)) }
            .filter { $0["event"]?.stringValue == "task" }
    }

    /// The process ids the plugin's log says were started.
    static func startedProcesses(_ directory: URL, plugin: String) throws -> [Int] {
        let log = try String(contentsOf: directory.appendingPathComponent("out/.imjoy-run/plugins/\(plugin)/plugin.log"), encoding: .utf8)
        return log.split(separator: "\n").compactMap { line in
            guard line.hasPrefix("[imjoy-run] process ") else { return nil }
            return Int(line.dropFirst("[imjoy-run] process ".count).prefix { $0.isNumber })
        }
    }

    static func plugin(_ name: String) -> String { plugins.appendingPathComponent("\(name).imjoy.html").path }

    // MARK: - Samples

    @Test func samplePythonPluginsRunInAWorkflow() throws {
        let directory = try Self.folder(
            """
            {"name": "s", "plugins": {"blur": "\(Self.samples.path)/GaussianBlur.imjoy.html",
                                      "count": "\(Self.samples.path)/CellCounter.imjoy.html",
                                      "morph": "\(Self.samples.path)/MorphologyTools.imjoy.html"},
             "inputs": {"images": {"glob": "*.tif"}},
             "ops": [{"id": "load", "builtin": "read-tiff"},
                     {"id": "smooth", "plugin": "blur", "config": {"sigma": 1.5}, "data": {"image": "$load"}},
                     {"id": "mask", "builtin": "threshold", "config": {"method": "otsu"}, "data": "$smooth.image"},
                     {"id": "eroded", "plugin": "morph", "data": {"mask": "$mask"}},
                     {"id": "dilated", "plugin": "morph", "op": "Dilate", "data": {"mask": "$mask"}},
                     {"id": "opened", "plugin": "morph", "op": "Open", "config": {"radius": 1}, "data": {"mask": "$mask"}},
                     {"id": "count", "plugin": "count", "data": {"mask": "$opened.mask"}}]}
            """)
        defer { try? FileManager.default.removeItem(at: directory) }
        let script = """
            import sys, numpy as np, tifffile
            yy, xx = np.mgrid[0:48, 0:64]
            for i in range(3):
                image = 100 + 3000 * np.exp(-((yy - 12 - 8 * i) ** 2 + (xx - 20) ** 2) / 20.0) + 3000 * np.exp(-((yy - 30) ** 2 + (xx - 50) ** 2) / 20.0)
                tifffile.imwrite(f"{sys.argv[1]}/img_{i}.tif", image.astype(np.uint16))
            """
        #expect(try CommandRunner.python(script, [directory.path]).status == 0)
        let result = try Self.run(directory, ["--jobs", "2"])
        #expect(result.status == 0, "\(result.standardError)")
        for item in 0..<3 {
            let count = try Self.json(directory, "img_\(item)/count.json")
            #expect(count["count"]?.intValue == 2, "\(count)")
            #expect(count["running_total"]?.intValue == 2 * (item + 1), "items in order: \(count)")
            #expect(FileManager.default.fileExists(atPath: directory.appendingPathComponent("out/img_\(item)/eroded.tif").path))
            #expect(FileManager.default.fileExists(atPath: directory.appendingPathComponent("out/img_\(item)/dilated.tif").path))
        }
        let log = try String(contentsOf: directory.appendingPathComponent("out/.imjoy-run/plugins/CellCounter/plugin.log"), encoding: .utf8)
        #expect(log.contains("[showStatus] 2 cells in s-img_0, 2 so far"), "\(log)")
        let saved = try JSONValue(
            jsonBytes: [UInt8](Data(contentsOf: directory.appendingPathComponent("out/.imjoy-run/plugins/CellCounter/config.json"))))
        #expect(saved["running_total"]?.intValue == 6)
    }

    // MARK: - ctx and the api

    @Test func ctxFieldsAsThePluginSeesThem() throws {
        let first = try PluginHostChecks.ctxAsThePluginSeesIt(echo: Self.plugin("Echo"), name: "Echo")
        #expect(first["scale_attr"]?.intValue == 3)
        #expect(first["data_by_key"]?.intValue == 10)
        #expect(first["ctx_type"] == "dotdict")
    }

    @Test func everyDTypeRoundTripsBitExactInlineAndThroughSharedMemory() throws {
        let directory = try Self.folder(
            """
            {"name": "dt", "plugins": {"echo": "\(Self.plugin("Echo"))"}, "inputs": {"seed": [5]},
             "ops": [{"id": "make", "plugin": "echo", "op": "Make"},
                     {"id": "same", "plugin": "echo", "op": "Same"},
                     {"id": "check", "plugin": "echo", "op": "Check", "data": {"seed": "$inputs.seed", "arrays": "$same"}}]}
            """)
        defer { try? FileManager.default.removeItem(at: directory) }
        let result = try Self.run(directory, ["--jobs", "2"])
        #expect(result.status == 0, "\(result.standardError)")
        let check = try Self.json(directory, "0/check.json")
        let object = try #require(check.objectValue)
        #expect(object.count == 24)
        for (key, value) in object { #expect(value == true, "\(key)") }
        let leftovers = try PluginHostChecks.sharedMemoryLeftBehind(directory, plugin: "Echo")
        #expect(leftovers.isEmpty, "shared memory left behind: \(leftovers)")
    }

    @Test func unknownApiNamesTheFunction() throws {
        let directory = try Self.folder(
            """
            {"name": "unk", "plugins": {"st": "\(Self.plugin("Stateful"))"}, "ops": [{"id": "u", "plugin": "st", "op": "Unknown"}]}
            """)
        defer { try? FileManager.default.removeItem(at: directory) }
        let result = try Self.run(directory)
        #expect(result.status == 1)
        #expect(result.standardError.contains("api.requestUploadUrl is not available in batch"), "\(result.standardError)")
    }

    // MARK: - Faults (more, as library tests: Tests/ImJoyEngineTests/Run/PythonPluginRunTests.swift)

    @Test(arguments: [("segv", "signal 11"), ("exit", "exited with status 3")])
    func crashedProcessFailsItsItemAndIsReplaced(what: String, reason: String) throws {
        try PluginHostChecks.crashFailsItsItemAndIsReplaced(plugin: Self.plugin("Faulty"), what: what, reason: reason)
    }

    @Test func hungCallIsKilledAtItsTimeout() throws {
        try PluginHostChecks.hungCallIsKilledAtItsTimeout(plugin: Self.plugin("Faulty"), name: "Faulty")
    }

    @Test(arguments: [SIGINT, SIGTERM])
    func noPluginProcessOutlivesAnInterruptedRun(signal: Int32) throws {
        try PluginHostChecks.noPluginProcessOutlivesAnInterruptedRun(plugin: Self.plugin("Faulty"), name: "Faulty", signal: signal)
    }
}

/// `imjoy-run env` and how `run` picks a prepared environment up (offline: no pip requirements).
@Suite(.serialized) struct PythonEnvironmentTests {
    @Test func envPreparesAVenvThatRunUses() throws {
        let directory = try PythonHostTests.folder(
            """
            {"name": "env", "plugins": {"e": "\(PythonHostTests.plugin("Env"))@T1"}, "ops": [{"id": "e", "plugin": "e"}]}
            """)
        defer { try? FileManager.default.removeItem(at: directory) }
        let cache = directory.appendingPathComponent("envs").path
        let plugin = PythonHostTests.plugin("Env") + "@T1"

        let dry = try CommandRunner.imjoyRun(["env", plugin, "--env-dir", cache, "--dry-run"], in: directory)
        #expect(dry.status == 0, "\(dry.standardError)")
        #expect(dry.standardOutput.contains("would run (needs --allow-install): echo prepared > marker.txt"), "\(dry.standardOutput)")
        #expect(!FileManager.default.fileExists(atPath: cache))

        // Before `env`: the configured interpreter.
        let before = try PythonHostTests.run(directory, ["--env-dir", cache])
        #expect(before.status == 0, "\(before.standardError)")
        #expect(try PythonHostTests.json(directory, "0/e.json")["prefix"]?.stringValue?.hasPrefix(cache) == false)
        #expect(try PythonHostTests.json(directory, "0/e.json")["variable"] == "42")

        let prepared = try CommandRunner.imjoyRun(["env", plugin, "--env-dir", cache], in: directory)
        #expect(prepared.status == 0, "\(prepared.standardError)")
        #expect(prepared.standardOutput.contains("would run (needs --allow-install): echo prepared > marker.txt"))
        #expect(prepared.standardOutput.contains("environment ready: \(cache)/Env-T1-"))
        let folder = try #require(try FileManager.default.contentsOfDirectory(atPath: cache).first)
        #expect(!FileManager.default.fileExists(atPath: "\(cache)/\(folder)/work/marker.txt"), "cmd: ran without --allow-install")

        let again = try CommandRunner.imjoyRun(["env", plugin, "--env-dir", cache], in: directory)
        #expect(again.standardOutput.contains("environment ready"))
        #expect(!again.standardOutput.contains("running:"), "reused")

        let after = try PythonHostTests.run(directory, ["--env-dir", cache])
        #expect(after.status == 0, "\(after.standardError)")
        #expect(try PythonHostTests.json(directory, "0/e.json")["prefix"] == .string("\(cache)/\(folder)"))
    }

    @Test func allowInstallRunsCommands() throws {
        let directory = try Fixtures.temporaryDirectory("imjoy-run-env")
        defer { try? FileManager.default.removeItem(at: directory) }
        let cache = directory.appendingPathComponent("envs").path
        let result = try CommandRunner.imjoyRun(
            ["env", PythonHostTests.plugin("Env") + "@T1", "--env-dir", cache, "--allow-install"], in: directory)
        #expect(result.status == 0, "\(result.standardError)")
        #expect(result.standardOutput.contains("running: echo prepared > marker.txt"))
        let folder = try #require(try FileManager.default.contentsOfDirectory(atPath: cache).first)
        #expect(FileManager.default.fileExists(atPath: "\(cache)/\(folder)/work/marker.txt"))
    }
}
