import Foundation
import ImJoyPlugin
import ImJoySchema
import ImJoyWorkflow
import TestSupport
import Testing

@testable import ImJoyEngine

#if canImport(Glibc)
    import Glibc
#endif

/// Real ImJoy plugins (`Tests/Fixtures/real-plugins/`: ImJoy's demo and example plugins and
/// imjoy-core's templates, MIT licensed, copied from `../shared/imjoy-plugins/`), run end to end
/// through ``WorkflowRun`` and checked against what ImJoy shows: the alert/status texts, the
/// values, the window data, the files. The 25 plugins run here, by suite (docs/plugin-hosts.md
/// keeps the same list):
///
/// | plugin | type | covered by |
/// |---|---|---|
/// | examples/call, run, getPlugin | web-worker | `webWorkerExamples`: `api.call` / `api.run` / `api.getPlugin` load the `alert` dependency (repository manifest) and show its alert |
/// | examples/alert, showStatus, showSnackbar, register | web-worker | `webWorkerExamples`: the alerts, statuses and snackbar in order; register's run; CallFieldExpressionTests: `alert.show_alert` with `args` from another op's result |
/// | demos/GUI PyWorker | native-python (tag nativePy) | `guiPyWorkerCallsBackItsCaller`: `calc_results` hands exp(-x) to the caller's callback |
/// | examples/Calculator | web-python | `calculatorOverInputs`; DemoPluginTests; CallFieldExpressionTests (`run` with `kwargs`) |
/// | templates/webWorkerTemplate, webPythonTemplate, nativePythonTemplate | all three | `coreTemplates`: setup log "initialized", alert "hello world." |
/// | examples/GetNumber, showDialog, showFileDialog, setConfig, createWindow; demos/showDialog, ChartsWebPython | web-worker, web-python | DemoPluginTests (answers, form defaults, file dialog shapes, windows); GetNumber also in CallFieldExpressionTests (answers from another op's result) |
/// | demos/TestWebPythonPlugin, testWebworkerPlugin | web-python, web-worker | DemoPluginTests: refused by name for their disabled dependency; their window updates on a copy without it |
/// | examples/progress, showProgress, createWindowImgComp; demos/ChartsPyWorker | web-worker, native-python | DemoPluginDisplayTests: every progress value in order, the image-compare window, the damped cosine sent to the chart window and updated per item |
/// | demos/ChartsPNG | native-python | DemoPluginDisplayTests: its PNG window (skipped without matplotlib, as on the development machine) |
/// | demos/PyImageJ-Demo | native-python | PluginErrorTextTests: without pyimagej its load fails with the Python error and the plugin's own import line |
/// | demos/maui-demo | native-python | PluginErrorTextTests: refused at validate naming its dependency from another repository (it would also need keras, maui and a network download) |
/// | every `window`, `iframe`, `rpc-window`, `web-python-window` plugin, jupyterNotebookTemplate | UI / no host | `userInterfacePluginsAreRefusedAtValidate`: one line saying why |
///
/// Cross-plugin calls with callbacks both ways (`cross/`) and the web-worker scope are in
/// `crossPluginCallsWithCallbacks`, `unloadedPluginFailsTheItem` and `workerScope`.
@Suite(.serialized) struct RealPluginTests {
    @Test(.enabled(if: RealPluginRun.hasNode, "needs Node.js"))
    func webWorkerExamples() throws {
        let run = try RealPluginRun("examples-web-worker.json")
        defer { run.remove() }
        #expect(run.summary.exitCode == 0, "\(run.summary.text)")
        #expect(run.shown(op: "call") == ["alert: This is a user message!"])
        #expect(run.shown(op: "run") == ["alert: Hello World"])
        #expect(run.shown(op: "getPlugin") == ["alert: This is a user message!"])
        #expect(run.shown(op: "alert") == ["alert: Hello World"])
        #expect(
            run.shown(op: "showStatus") == [
                "alert: Status well be set to \"Initiated\"", "showStatus: Initiated",
                "alert: Status well be set to \"Finished!\"", "showStatus: Finished!",
            ])
        #expect(run.shown(op: "showSnackbar") == ["showSnackbar: processing..."])
        #expect(run.shown(op: "register") == ["alert: Message created from the run function!"])
    }

    @Test(.enabled(if: RealPluginRun.hasNode && RealPluginRun.hasPython, "needs Node.js and python3"))
    func coreTemplates() throws {
        for template in ["webWorker", "webPython", "nativePython"] {
            let run = try RealPluginRun("template-\(template).json")
            defer { run.remove() }
            #expect(run.summary.exitCode == 0, "\(template): \(run.summary.text)")
            #expect(run.shown(op: nil) == ["log: initialized"], "\(template)")
            #expect(run.shown(op: "template") == ["alert: hello world."], "\(template)")
        }
    }

    @Test(.enabled(if: RealPluginRun.hasNumpy, "needs python3 with numpy"))
    func calculatorOverInputs() throws {
        let run = try RealPluginRun("calculator.json")
        defer { run.remove() }
        #expect(run.summary.exitCode == 0, "\(run.summary.text)")
        let shown = run.shown(op: "exp").sorted()
        #expect(shown == ["alert: Exp of 0 is 1.0", "alert: Exp of 2 is 7.38905609893065"])
    }

    @Test(.enabled(if: RealPluginRun.hasNode && RealPluginRun.hasPython, "needs Node.js and python3"))
    func crossPluginCallsWithCallbacks() throws {
        let run = try RealPluginRun("cross-js.json")
        defer { run.remove() }
        #expect(run.summary.exitCode == 0, "\(run.summary.text) \(run.tasks.compactMap(\.error))")
        let js = try run.json("0/js.json")
        #expect(js["pyAdd"] == 5 && js["jsAdd"] == 5 && js["call"] == 2)
        #expect(js["pyEach"] == [10, 20, 30] && js["seen"] == 3, "a JavaScript callback called from Python, three times")
        #expect(js["jsEach"] == [101, 102], "a callback that itself calls another plugin")
        #expect(js["run"] == ["ran": 7])
        let pyRun = try RealPluginRun("cross-py.json")
        defer { pyRun.remove() }
        #expect(pyRun.summary.exitCode == 0, "\(pyRun.summary.text) \(pyRun.tasks.compactMap(\.error))")
        let py = try pyRun.json("0/py.json")
        #expect(py["jsAdd"] == 5 && py["pyAdd"] == 5 && py["call"] == 2)
        #expect(py["jsEach"] == [10, 20, 30] && py["seen"] == [1, 2, 3], "a Python callback called from JavaScript")
        #expect(py["pyEach"] == [104])
        #expect(py["run"] == ["ran": 7])
        // The dependencies' processes stop with the run, like the workflow's own.
        let logs = try String(
            contentsOf: pyRun.directory.appendingPathComponent("out/.imjoy-run/plugins/JsMath/plugin.log"), encoding: .utf8)
        let pids = logs.split(separator: "\n").compactMap { line -> Int32? in
            guard let range = line.range(of: "process "), let end = line[range.upperBound...].firstIndex(of: " ") else { return nil }
            return Int32(line[range.upperBound..<end])
        }
        #expect(!pids.isEmpty)
        for pid in pids { #expect(kill(pid, 0) != 0, "JsMath's process \(pid) outlived the run") }
    }

    /// Two ops calling the same dependencies at once, with callbacks that call the other
    /// dependency, over three items and four jobs: no chain waits on another.
    @Test(
        .enabled(if: RealPluginRun.hasNode && RealPluginRun.hasPython, "needs Node.js and python3"),
        .timeLimit(.minutes(1)))
    func concurrentCrossPluginCallsDoNotWaitOnEachOther() throws {
        let run = try RealPluginRun("cross-concurrent.json", jobs: 4)
        defer { run.remove() }
        #expect(run.summary.exitCode == 0, "\(run.summary.text) \(run.tasks.compactMap(\.error))")
        for item in 0..<3 {
            #expect(try run.json("\(item)/js.json")["jsEach"] == [101, 102])
            #expect(try run.json("\(item)/py.json")["pyEach"] == [104])
        }
    }

    /// Two single-process plugins whose ops call each other at the same time: one call fails
    /// saying it would wait forever, the other completes, nothing hangs.
    @Test(.enabled(if: RealPluginRun.hasNode, "needs Node.js"), .timeLimit(.minutes(1)))
    func aCycleOfWaitsFailsInsteadOfHanging() throws {
        let run = try RealPluginRun("ping-cycle.json", jobs: 2)
        defer { run.remove() }
        let failed = run.tasks.filter { $0.error != nil }
        #expect(failed.count == 1, "\(run.tasks.map { "\($0.op): \($0.error ?? "ok")" })")
        #expect(failed.first?.error?.contains("would wait forever") == true, "\(failed.first?.error ?? "")")
    }

    /// An op's timeout also kills the dependency process serving its cross-plugin call.
    @Test(
        .enabled(if: RealPluginRun.hasNode && RealPluginRun.hasPython, "needs Node.js and python3"),
        .timeLimit(.minutes(1)))
    func timeoutReachesTheDependencyProcess() throws {
        let started = Date()
        let run = try RealPluginRun("calls-sleeper.json")
        defer { run.remove() }
        #expect(run.summary.exitCode == 1)
        #expect(Date().timeIntervalSince(started) < 30)
        #expect(
            run.error(op: "s")?.contains("timed out") == true || run.error(op: "s")?.contains("timeout") == true,
            "\(run.error(op: "s") ?? "")")
    }

    /// demos/GUI PyWorker computes a curve and hands it to a callback of the window that called
    /// it (here a web-worker standing in for the `GUI w3` window): a real remote callback.
    @Test(.enabled(if: RealPluginRun.hasNode && RealPluginRun.hasNumpy, "needs Node.js and python3 with numpy"))
    func guiPyWorkerCallsBackItsCaller() throws {
        let run = try RealPluginRun("gui-pyworker.json", plugins: ["imjoy-demo-plugins"])
        defer { run.remove() }
        #expect(run.summary.exitCode == 0, "\(run.summary.text) \(run.tasks.compactMap(\.error))")
        let plot = try run.json("0/plot.json")
        let xs = plot["x"]?.arrayValue ?? []
        let x = xs.compactMap { $0.doubleValue }
        #expect(x.count == 4 && abs(x[0] - 0.01) < 1e-12 && abs(x[3] - 3.76) < 1e-12)
        let ys = plot["y"]?.arrayValue?.first?.arrayValue ?? []
        let y = ys.compactMap { $0.doubleValue }
        #expect(y.count == 4)
        #expect(zip(x, y).allSatisfy { abs(exp(-$0) - $1) < 1e-12 }, "exp(-x), as ImJoy plots it")
        #expect(plot["mode"] == ["line"] && plot["name"] == ["data"] && plot["chart_id"] == "chart")
    }

    @Test(.enabled(if: RealPluginRun.hasNode && RealPluginRun.hasPython, "needs Node.js and python3"))
    func unloadedPluginFailsTheItem() throws {
        for (plugin, function) in [("Missing", "api.call(NotLoaded)"), ("PyMissing", "api.run(NotLoaded)")] {
            let directory = try Fixtures.temporaryDirectory("imjoy-run-missing")
            defer { try? FileManager.default.removeItem(at: directory) }
            let workflow = directory.appendingPathComponent("w.json")
            let source = RealPluginRun.root.appendingPathComponent("cross/\(plugin).imjoy.html").path
            try #"{"name": "m", "plugins": {"p": "\#(source)"}, "ops": [{"id": "m", "plugin": "p"}]}"#
                .write(to: workflow, atomically: true, encoding: .utf8)
            let run = try RealPluginRun(workflow.path)
            defer { run.remove() }
            #expect(run.summary.exitCode == 1, "\(plugin)")
            let error = run.error(op: "m") ?? ""
            #expect(error.contains("\(function): plugin NotLoaded is not loaded in this run"), "\(error)")
            #expect(!error.contains("node:"), "no Node.js internals in \(error)")
            #expect(error.hasPrefix(plugin == "Missing" ? "JavaScript plugin Missing: " : "Python plugin PyMissing: "), "\(error)")
        }
    }

    @Test(.enabled(if: RealPluginRun.hasNode, "needs Node.js"))
    func userInterfaceDependencyIsRefusedWhenCalled() throws {
        let run = try RealPluginRun("calls-window.json", plugins: ["imjoy-demo-plugins"])
        defer { run.remove() }
        #expect(run.summary.exitCode == 1)
        let error = run.error(op: "w") ?? ""
        #expect(
            error.contains(
                "api.getPlugin(WindowPlugin): plugin WindowPlugin is a window plugin: window plugins show a user interface and cannot run in a batch run"
            ), "\(error)")
        #expect(!error.contains("\n"), "one line: \(error)")
    }

    @Test(.enabled(if: RealPluginRun.hasNode, "needs Node.js"))
    func workerScope() throws {
        let directory = try Fixtures.temporaryDirectory("imjoy-run-scope")
        defer { try? FileManager.default.removeItem(at: directory) }
        let workflow = directory.appendingPathComponent("w.json")
        let source = RealPluginRun.root.appendingPathComponent("cross/WorkerScope.imjoy.html").path
        try #"{"name": "s", "plugins": {"p": "\#(source)"}, "ops": [{"id": "s", "plugin": "p"}]}"#
            .write(to: workflow, atomically: true, encoding: .utf8)
        let run = try RealPluginRun(workflow.path)
        defer { run.remove() }
        #expect(run.summary.exitCode == 0, "\(run.summary.text)")
        let value = try run.json("0/s.json")
        #expect(value["selfIsGlobal"] == true && value["inWorkerScope"] == true && value["importScripts"] == "function")
        #expect(value["count"] == "5" && value["flag"] == "true" && value["missing"] == .null, "localStorage strings")
        #expect(value["crossedIsCell"] == true, "the codec decoded what came back")
        #expect(value["crossed"] == ["v": 3, "_rtype": "cell"] && value["result"] == ["v": 7, "_rtype": "cell"])
    }

    @Test(.enabled(if: RealPluginRun.hasNode, "needs Node.js"))
    func moduleImportOfAURLUsesTheJavaScriptCache() throws {
        let directory = try Fixtures.temporaryDirectory("imjoy-run-esm")
        defer { try? FileManager.default.removeItem(at: directory) }
        let workflow = directory.appendingPathComponent("w.json")
        let source = RealPluginRun.root.appendingPathComponent("cross/ModuleImport.imjoy.html").path
        try #"{"name": "e", "plugins": {"p": "\#(source)"}, "inputs": {"n": [4]}, "ops": [{"id": "e", "plugin": "p"}]}"#
            .write(to: workflow, atomically: true, encoding: .utf8)
        let cacheFolder = directory.appendingPathComponent("js-cache").path
        let missing = try RealPluginRun(workflow.path) { $0.javascript = JavaScriptHostOptions(node: nil, cacheDirectory: cacheFolder) }
        defer { missing.remove() }
        let url = "https://example.invalid/imjoy-run-test/triple.mjs"
        #expect(missing.summary.exitCode == 1)
        #expect(missing.error(op: "e")?.contains("import \(url): batch runs are offline") == true, "\(missing.error(op: "e") ?? "")")
        let module = directory.appendingPathComponent("triple.mjs")
        try "export const triple = (x) => 3 * x;\n".write(to: module, atomically: true, encoding: .utf8)
        try JavaScriptCache(directory: cacheFolder).add(url: url, file: module.path)
        let cached = try RealPluginRun(workflow.path) { $0.javascript = JavaScriptHostOptions(node: nil, cacheDirectory: cacheFolder) }
        defer { cached.remove() }
        #expect(cached.summary.exitCode == 0, "\(cached.summary.text)")
        #expect(try cached.json("0/e.json")["tripled"] == 12)
    }

    @Test(.enabled(if: RealPluginRun.hasNode, "needs Node.js"))
    func savedWorkflowTakesInputs() throws {
        let run = try RealPluginRun("saved.json", plugins: ["imjoy-demo-plugins/examples"])
        defer { run.remove() }
        #expect(run.summary.exitCode == 0, "\(run.summary.text)")
        #expect(Set(run.tasks.map(\.itemIndex)) == [0, 1, 2])
        #expect(run.messages.count == 3)
    }

    /// Every plugin of the corpus that exists to show a user interface is refused at validate
    /// with one line that says why.
    @Test func userInterfacePluginsAreRefusedAtValidate() throws {
        let folders = ["imjoy-demo-plugins/demos", "imjoy-demo-plugins/examples", "imjoy-core-templates/src/plugins"]
        var refused = 0
        for folder in folders {
            for file in PluginResolver(environment: [:]).pluginFiles(inDirectory: RealPluginRun.root.appendingPathComponent(folder).path) {
                guard let plugin = try? Plugin(contentsOf: file),
                    WorkflowValidator.headlessRefusal(plugin: plugin.config.name, type: plugin.config.type) != nil
                else { continue }
                let workflow = Workflow(
                    file: "w.json", baseDirectory: "/", name: "ui", plugins: ["p": .reference(file)],
                    ops: [OpSpec(id: "show", target: .plugin(alias: "p", op: nil), index: 0)])
                do {
                    _ = try WorkflowValidator(resolver: PluginResolver(environment: [:])).validate(workflow)
                    Issue.record("\(file) was accepted")
                } catch {
                    let line = error.errors.first { $0.op == "show" }?.description ?? ""
                    #expect(
                        line.contains(
                            "is a \(plugin.config.type.rawValue) plugin: \(plugin.config.type.rawValue) plugins show a user interface and cannot run in a batch run"
                        ), "\(line)")
                    #expect(!line.contains("\n"))
                    refused += 1
                }
            }
        }
        #expect(refused >= 19, "the corpus has 19 UI plugins that parse, refused \(refused)")
    }

    /// imjoy-core's Jupyter notebook template has no batch host: `validate` refuses it in one
    /// line, as `run` does, instead of accepting a workflow that cannot run.
    @Test func aPluginTypeWithoutHostIsRefusedAtValidate() throws {
        let file = RealPluginRun.root.appendingPathComponent("imjoy-core-templates/src/plugins/jupyterNotebookTemplate.imjoy.html").path
        let workflow = Workflow(
            file: "w.json", baseDirectory: "/", name: "nb", plugins: ["p": .reference(file)],
            ops: [OpSpec(id: "nb", target: .plugin(alias: "p", op: nil), index: 0)])
        #expect(throws: WorkflowErrors.self) { try WorkflowValidator(resolver: PluginResolver(environment: [:])).validate(workflow) }
        do { _ = try WorkflowValidator(resolver: PluginResolver(environment: [:])).validate(workflow) } catch {
            #expect(
                error.errors.map(\.description) == [
                    "w.json: op 'nb' (ops[0].plugin): plugin Untitled Plugin is a jupyter-notebook plugin: imjoy-run has no host for jupyter-notebook plugins (batch runs run web-worker, native-python and web-python plugins)"
                ])
        }
    }
}
