import Foundation
import ImJoySchema
import TestSupport
import Testing

/// End-to-end runs of web-worker plugins on the Node.js host (real Node.js) through the built binary.
@Suite(.serialized, .enabled(if: TestConditions.node && TestConditions.pythonWithNumpy, "needs Node.js and python3 with numpy"))
struct JavaScriptHostTests {
    static let plugins = Fixtures.url("plugins/javascript")

    static func plugin(_ name: String) -> String { plugins.appendingPathComponent("\(name).imjoy.html").path }

    static func run(_ directory: URL, _ extra: [String] = []) throws -> CommandResult {
        // An empty cache of its own (relative: the host resolves it after changing to WORK_DIR); a
        // developer's ~/.cache never changes a test's outcome.
        try PythonHostTests.run(directory, ["--js-cache", "js-cache"] + extra)
    }

    /// Writes `count` two-channel uint16 TIFFs (`img_NN.tif`, 2×24×32, different per item).
    static func writeTwoChannelImages(_ directory: URL, count: Int) throws {
        let script = """
            import sys, numpy as np, tifffile
            rng = np.random.default_rng(7)
            for i in range(int(sys.argv[2])):
                x = rng.integers(0, 1000 + 100 * i, size=(24, 32))
                y = (x // 2 + rng.integers(0, 300, size=(24, 32)))
                tifffile.imwrite(f"{sys.argv[1]}/img_{i:02d}.tif", np.stack([x, y]).astype(np.uint16))
            """
        let result = try CommandRunner.python(script, [directory.path, String(count)])
        #expect(result.status == 0, "\(result.standardError)")
    }

    // MARK: - Histograms

    @Test func sampleHistogramPluginRunsInAWorkflow() throws {
        let sample = Fixtures.samples.appendingPathComponent("plugins/Histogram.imjoy.html").path
        let directory = try PythonHostTests.folder(
            """
            {"name": "h", "plugins": {"hist": "\(sample)"}, "inputs": {"images": {"glob": "*.tif"}},
             "ops": [{"id": "load", "builtin": "read-tiff"},
                     {"id": "hist", "plugin": "hist", "config": {"bins": 10}, "data": {"image": "$load"}}]}
            """)
        defer { try? FileManager.default.removeItem(at: directory) }
        try Self.writeTwoChannelImages(directory, count: 3)
        let result = try Self.run(directory, ["--jobs", "2"])
        #expect(result.status == 0, "\(result.standardError)")
        // The sample's own arithmetic, in numpy, per item.
        let check = """
            import json, sys, numpy as np, tifffile
            for i in range(3):
                v = tifffile.imread(f"{sys.argv[1]}/img_{i:02d}.tif").astype(np.float64).ravel()
                mn, mx = v.min(), v.max()
                idx = np.minimum(np.floor((v - mn) / ((mx - mn) / 10)), 9).astype(int)
                got = json.load(open(f"{sys.argv[1]}/out/img_{i:02d}/hist.json"))
                want = {"counts": np.bincount(idx, minlength=10).tolist(), "min": mn, "max": mx}
                assert got == want, (i, got, want)
            """
        let checked = try CommandRunner.python(check, [directory.path])
        #expect(checked.status == 0, "\(checked.standardError)")
        let log = try String(contentsOf: directory.appendingPathComponent("out/.imjoy-run/plugins/Histogram/plugin.log"), encoding: .utf8)
        #expect(log.contains("[log] Histogram ready"), "\(log)")
    }

    @Test func histogram2DIsFunctionalAndSharesTwoProcessesWithTwoJobs() throws {
        let directory = try PythonHostTests.folder(
            """
            {"name": "h2", "plugins": {"h2": "\(Self.plugin("Histogram2D"))"}, "inputs": {"images": {"glob": "*.tif"}},
             "ops": [{"id": "load", "builtin": "read-tiff"},
                     {"id": "hist", "plugin": "h2", "config": {"bins": 8}, "data": {"image": "$load"}}]}
            """)
        defer { try? FileManager.default.removeItem(at: directory) }
        let count = 40
        try Self.writeTwoChannelImages(directory, count: count)
        let result = try Self.run(directory, ["--jobs", "2"])
        #expect(result.status == 0, "\(result.standardError)")
        let check = """
            import json, sys, numpy as np, tifffile
            for i in range(int(sys.argv[2])):
                x, y = tifffile.imread(f"{sys.argv[1]}/img_{i:02d}.tif").astype(np.float64).reshape(2, -1)
                def bins(v):
                    mn, mx = v.min(), v.max()
                    return np.minimum(np.floor((v - mn) * 8 / (mx - mn)), 7).astype(int)
                want = np.zeros((8, 8), np.uint32)
                np.add.at(want, (bins(x), bins(y)), 1)
                got = tifffile.imread(f"{sys.argv[1]}/out/img_{i:02d}/hist.histogram.tif")
                assert got.dtype == np.uint32 and (got == want).all(), (i, got, want)
                meta = json.load(open(f"{sys.argv[1]}/out/img_{i:02d}/hist.json"))
                assert meta["x_range"] == [x.min(), x.max()] and meta["y_range"] == [y.min(), y.max()], meta
                print(meta["pid"])
            """
        let checked = try CommandRunner.python(check, [directory.path, String(count)])
        #expect(checked.status == 0, "\(checked.standardError)")
        let pids = Set(checked.standardOutput.split(separator: "\n"))
        #expect(pids.count == 2, "served by \(pids)")
        #expect(try PythonHostTests.startedProcesses(directory, plugin: "Histogram2D").count == 2)
    }

    // MARK: - ctx, values and the api

    @Test func ctxFieldsAsThePluginSeesThem() throws {
        let first = try PluginHostChecks.ctxAsThePluginSeesIt(echo: Self.plugin("Echo"), name: "JsEcho", extra: ["--js-cache", "js-cache"])
        #expect(first["scale"] == 3, "ctx.config.scale")
        #expect(first["this_is_plugin"] == true, "run is called on the exported object")
    }

    @Test func everyDTypeRoundTripsBitExactInlineAndThroughSharedMemory() throws {
        let directory = try PythonHostTests.folder(
            """
            {"name": "dt", "plugins": {"echo": "\(Self.plugin("Echo"))"},
             "ops": [{"id": "make", "plugin": "echo", "op": "Make"},
                     {"id": "same", "plugin": "echo", "op": "Same", "data": "$make"},
                     {"id": "check", "plugin": "echo", "op": "Check", "data": "$same"}]}
            """)
        defer { try? FileManager.default.removeItem(at: directory) }
        let result = try Self.run(directory, ["--jobs", "2"])
        #expect(result.status == 0, "\(result.standardError)")
        let check = try #require(try PythonHostTests.json(directory, "0/check.json").objectValue)
        #expect(check.count == 24)
        for (key, value) in check { #expect(value == true, "\(key)") }
        let leftovers = try PluginHostChecks.sharedMemoryLeftBehind(directory, plugin: "JsEcho")
        #expect(leftovers.isEmpty, "shared memory left behind: \(leftovers)")
    }

    @Test func otherValuesBecomeJSON() throws {
        let directory = try PythonHostTests.folder(
            """
            {"name": "kinds", "plugins": {"echo": "\(Self.plugin("Echo"))"}, "ops": [{"id": "kinds", "plugin": "echo", "op": "Kinds"}]}
            """)
        defer { try? FileManager.default.removeItem(at: directory) }
        let result = try Self.run(directory)
        #expect(result.status == 0, "\(result.standardError)")
        let kinds = try PythonHostTests.json(directory, "0/kinds.json")
        #expect(kinds["nested"] == [1, ["a": [true, .null, "x"]]])
        #expect(kinds["nan"] == .null)
        #expect(kinds["bytes"] == "aMOpbGxv", "an ArrayBuffer is binary (base64 of UTF-8 'héllo' in JSON outputs)")
        #expect(kinds["inf"] == .null)
        #expect(kinds["error"] == ["_rtype": "error", "_rvalue": "RangeError: bad"])
        #expect(kinds["big"] == 12_345_678_901_234)
        #expect(kinds["when"] == "1970-01-01T00:00:00.000Z")
        #expect(kinds["skipped"] == nil)
        #expect(kinds["nothing"] == .null)
        #expect(kinds["typed"]?["path"] == "0/kinds.typed.tif", "a Float32Array is a 1-d float32 array: \(kinds)")
        let check = """
            import sys, numpy as np, tifffile
            t = tifffile.imread(sys.argv[1] + "/out/0/kinds.typed.tif")
            assert t.dtype == np.float32 and t.ravel().tolist() == [1.5, -2.25], t
            """
        let checked = try CommandRunner.python(check, [directory.path])
        #expect(checked.status == 0, "\(checked.standardError)")
    }

    @Test func apiStateWindowsFilesAndCallsIntoAPythonPlugin() throws {
        let directory = try PythonHostTests.folder(
            """
            {"name": "api", "plugins": {"echo": "\(Self.plugin("Echo"))", "py": "\(PythonHostTests.plugin("Echo"))"},
             "ops": [{"id": "a", "plugin": "echo", "op": "Api"}]}
            """)
        defer { try? FileManager.default.removeItem(at: directory) }
        for expected in [JSONValue.null, "1"] {  // getConfig returns localStorage's strings
            let result = try Self.run(directory, ["--state-dir", "state", "--no-cache"])
            #expect(result.status == 0, "\(result.standardError)")
            let value = try PythonHostTests.json(directory, "0/a.json")
            #expect(value["before"] == expected)
            #expect(value["name"] == "JsEcho")
            #expect(value["exported"] == true)
            #expect(value["unknown"] == "api.requestUploadUrl is not available in batch runs (imjoy-run)")
            #expect(
                value["interactive"]
                    == #"api.showFileDialog() waits for a person; add "answers": {"showFileDialog": "path/to/file"} to the op in the workflow"#
            )
            #expect(value["echo"] == 5)
            #expect(
                value["globals"] == [
                    "self": true, "window": "undefined", "document": "undefined", "encoder": "function",
                    "performance": "function", "timeout": "function",
                ])
        }
        #expect(try String(contentsOf: directory.appendingPathComponent("out/0/note.txt"), encoding: .utf8) == "hello")
        #expect(try PythonHostTests.json(directory, "0/a.window1.json")["type"] == "imjoy/image")
        #expect(FileManager.default.fileExists(atPath: directory.appendingPathComponent("out/0/a.window1.tif").path))
        let log = try String(contentsOf: directory.appendingPathComponent("state/plugins/JsEcho/plugin.log"), encoding: .utf8)
        #expect(log.contains("[showStatus] status from js 7"), "\(log)")
    }

    @Test func browserOnlyGlobalsFailClearlyAndFetchReadsLocalFiles() throws {
        let directory = try PythonHostTests.folder(
            """
            {"name": "web", "plugins": {"echo": "\(Self.plugin("Echo"))"}, "ops": [{"id": "b", "plugin": "echo", "op": "Browser"}]}
            """)
        defer { try? FileManager.default.removeItem(at: directory) }
        let result = try Self.run(directory)
        #expect(result.status == 0, "\(result.standardError)")
        let value = try PythonHostTests.json(directory, "0/b.json")
        #expect(value["xhr"]?.stringValue?.contains("XMLHttpRequest is not available to web-worker plugins") == true, "\(value)")
        #expect(value["indexedDB"]?.stringValue?.contains("indexedDB is not available") == true, "\(value)")
        #expect(value["http"]?.stringValue?.contains("fetch https://example.org/data.json: batch runs are offline") == true, "\(value)")
        #expect(value["fetched"] == true)
    }

    // MARK: - Requirements

    @Test func missingRequirementFailsEveryItemNamingTheURLAndTheCacheServesIt() throws {
        let url = "https://cdn.example.org/tiny-stats@1.0/tiny-stats.js"
        let directory = try PythonHostTests.folder(
            """
            {"name": "req", "plugins": {"r": "\(Self.plugin("Requires"))"}, "inputs": {"v": [[1, 2], [3, 5]]},
             "ops": [{"id": "r", "plugin": "r"}]}
            """)
        defer { try? FileManager.default.removeItem(at: directory) }
        let missing = try Self.run(directory)
        #expect(missing.status == 1)
        let failed = PythonHostTests.tasks(missing).filter { $0["status"] == "failed" }
        #expect(failed.count == 2)
        for task in failed {
            let error = task["error"]?.stringValue ?? ""
            #expect(
                error.contains("requirement \(url): batch runs are offline") && error.contains("imjoy-run js-cache add \(url) FILE"),
                "\(error)")
        }

        let cache = directory.appendingPathComponent("js-cache").path
        let added = try CommandRunner.imjoyRun(
            ["js-cache", "add", url, Self.plugins.appendingPathComponent("tiny-stats.js").path, "--js-cache", cache], in: directory)
        #expect(added.status == 0, "\(added.standardError)")
        let listed = try CommandRunner.imjoyRun(["js-cache", "list", "--js-cache", cache], in: directory)
        #expect(listed.standardOutput.hasPrefix(url + "\t" + cache + "/"), "\(listed.standardOutput)")

        let served = try Self.run(directory)
        #expect(served.status == 0, "\(served.standardError)")
        #expect(
            try PythonHostTests.json(directory, "0/r.json") == ["mean": 2, "ready": true], "module script, top-level await, async setup")
        #expect(try PythonHostTests.json(directory, "1/r.json") == ["mean": 4.5, "ready": true])
    }

    // MARK: - Faults

    @Test func exceptionFailsTheItemWithItsStack() throws {
        let directory = try PythonHostTests.folder(
            """
            {"name": "err", "plugins": {"f": "\(Self.plugin("Faulty"))"}, "inputs": {"what": ["throw", "late", "fine"]},
             "ops": [{"id": "f", "plugin": "f"}]}
            """)
        defer { try? FileManager.default.removeItem(at: directory) }
        let result = try Self.run(directory)
        #expect(result.status == 1)
        let failed = PythonHostTests.tasks(result).filter { $0["status"] == "failed" }
        #expect(failed.count == 2)
        for task in failed {
            let error = task["error"]?.stringValue ?? ""
            #expect(error.contains("RangeError: boom: ") && error.contains("at explode (JsFaulty script 1:"), "\(error)")
            #expect(!error.contains("imjoy_host.js"), "the host's own frames are removed: \(error)")
        }
        #expect(try PythonHostTests.json(directory, "2/f.json")["value"] == "fine")
        let log = try String(contentsOf: directory.appendingPathComponent("out/.imjoy-run/plugins/JsFaulty/plugin.log"), encoding: .utf8)
        #expect(log.contains("stdout line for fine"))
    }

    @Test(arguments: [("exit", "exited with status 3"), ("abort", "signal 6")])
    func crashedProcessFailsItsItemAndIsReplaced(what: String, reason: String) throws {
        try PluginHostChecks.crashFailsItsItemAndIsReplaced(plugin: Self.plugin("Faulty"), what: what, reason: reason)
    }

    @Test func hungCallIsKilledAtItsTimeout() throws {
        try PluginHostChecks.hungCallIsKilledAtItsTimeout(plugin: Self.plugin("Faulty"), name: "JsFaulty")
    }

    @Test(arguments: [SIGINT, SIGTERM])
    func noPluginProcessOutlivesAnInterruptedRun(signal: Int32) throws {
        try PluginHostChecks.noPluginProcessOutlivesAnInterruptedRun(plugin: Self.plugin("Faulty"), name: "JsFaulty", signal: signal)
    }

    // MARK: - Refusals

    @Test func userInterfacePluginsAreRefusedNamingTheirType() throws {
        let directory = try PythonHostTests.folder(
            """
            {"name": "ui", "plugins": {"viewer": "Viewer.imjoy.html"}, "ops": [{"id": "show", "plugin": "viewer"}]}
            """)
        defer { try? FileManager.default.removeItem(at: directory) }
        try """
        <config lang="json">{"name": "Viewer", "type": "window", "api_version": "0.1.8", "ui": ""}</config>
        <window><div id="app"></div></window>
        <script lang="javascript">api.export({run() {}})</script>
        """.write(to: directory.appendingPathComponent("Viewer.imjoy.html"), atomically: true, encoding: .utf8)
        let result = try Self.run(directory)
        #expect(result.status == 2)
        // Refused at validation (one line, with the op and its JSON path), before anything starts.
        #expect(
            result.standardError.contains(
                "op 'show' (ops[0].plugin): plugin Viewer is a window plugin: window plugins show a user interface and cannot run in a batch run"
            ),
            "\(result.standardError)")
    }

    @Test func missingNodeIsNamed() throws {
        let directory = try PythonHostTests.folder(
            """
            {"name": "n", "plugins": {"echo": "\(Self.plugin("Echo"))"}, "ops": [{"id": "e", "plugin": "echo"}]}
            """)
        defer { try? FileManager.default.removeItem(at: directory) }
        let result = try Self.run(directory, ["--node", "/nonexistent/node"])
        #expect(result.status == 2)
        #expect(
            result.standardError.contains("cannot run web-worker plugins: --node /nonexistent/node is not an executable"),
            "\(result.standardError)")
    }
}
