import Foundation
import ImJoyPlugin
import ImJoySchema
import ImJoyWorkflow
import TestSupport
import Testing

@testable import ImJoyEngine

/// ImJoy's own demo plugins (`Tests/Fixtures/real-plugins/imjoy-demo-plugins/examples/`, `demos/`) that ask a
/// person or show windows, run headless with answers; each checked against what ImJoy shows
/// (the alert text in the plugin's log, the value, the window data).
@Suite(
    .enabled(
        if: RunTestConditions.pythonWithNumpy && DemoPlugins.available, "needs python3 with numpy and Node.js"))
struct DemoPluginTests {
    static func plugin(_ name: String) -> String { DemoPlugins.examples.appendingPathComponent("\(name).imjoy.html").path }

    static func run(_ workflow: String, in fixture: RunFixture? = nil) throws -> (
        fixture: RunFixture, summary: WorkflowRunSummary, events: [TaskEvent]
    ) {
        try PythonPluginRunTests.run(workflow, state: "state", in: fixture)
    }

    /// The plugin's log (its api messages, `[alert] …`).
    static func log(_ fixture: RunFixture, _ plugin: String) -> String {
        (try? String(contentsOf: fixture.directory.appendingPathComponent("state/plugins/\(plugin)/plugin.log"), encoding: .utf8)) ?? ""
    }

    @Test func getNumberReturnsTheAnsweredNumber() throws {
        let (fixture, summary, _) = try Self.run(
            """
            {"name": "n", "plugins": {"g": "\(Self.plugin("GetNumber"))"}, "inputs": {"n": ["3", "4.5"]},
             "ops": [{"id": "g", "plugin": "g", "answers": {"prompt": "$inputs.n"}}]}
            """)
        defer { fixture.remove() }
        #expect(summary.status == .succeeded, "\(summary.text)")
        #expect(try PythonPluginRunTests.json(fixture, "0/g.json") == ["numb": 3])
        #expect(try PythonPluginRunTests.json(fixture, "1/g.json") == ["numb": 4.5])
    }

    @Test func showDialogFormAnswerReachesTheAlert() throws {
        let (fixture, summary, _) = try Self.run(
            """
            {"name": "d", "plugins": {"d": "\(Self.plugin("showDialog"))"},
             "ops": [{"id": "d", "plugin": "d", "answers": {"showDialog": {"animal": "lion"}}}]}
            """)
        defer { fixture.remove() }
        #expect(summary.status == .succeeded, "\(summary.text)")
        #expect(Self.log(fixture, "showDialog").contains("[alert] Your favorite animal is a lion"), "\(Self.log(fixture, "showDialog"))")
    }

    @Test func showDialogWithoutAnswerTakesTheFormsDefault() throws {
        let (fixture, summary, _) = try Self.run(
            """
            {"name": "d", "plugins": {"d": "\(Self.plugin("showDialog"))"}, "ops": [{"id": "d", "plugin": "d"}]}
            """)
        defer { fixture.remove() }
        #expect(summary.status == .succeeded, "\(summary.text)")
        let log = Self.log(fixture, "showDialog")
        #expect(log.contains("[alert] Your favorite animal is a dog"), "\(log)")
        #expect(log.contains("took the form's defaults"), "\(log)")
    }

    @Test func showFileDialogGivesAPathForOldApiVersions() throws {
        let (fixture, summary, _) = try Self.run(
            """
            {"name": "f", "plugins": {"f": "\(Self.plugin("showFileDialog"))"},
             "ops": [{"id": "f", "plugin": "f", "answers": {"showFileDialog": "/data/cells.tif"}}]}
            """)
        defer { fixture.remove() }
        #expect(summary.status == .succeeded, "\(summary.text)")
        #expect(
            Self.log(fixture, "showFileDialog").contains("[alert] Selected file /data/cells.tif"), "\(Self.log(fixture, "showFileDialog"))")
    }

    @Test func setConfigStoresTheDialogAnswerForTheNextRun() throws {
        let workflow = """
            {"name": "s", "plugins": {"s": "\(Self.plugin("setConfig"))"},
             "ops": [{"id": "s", "plugin": "s", "answers": {"showDialog": {"str_store": "remembered"}}}]}
            """
        let fixture = try RunFixture(count: 0, workflow: workflow)
        defer { fixture.remove() }
        for _ in 0..<2 {
            let (_, summary, _) = try Self.run(workflow, in: fixture)
            #expect(summary.status == .succeeded, "\(summary.text)")
        }
        let log = Self.log(fixture, "setConfig")
        #expect(
            log.contains("[alert] Retrieved config value is: null") || log.contains("[alert] Retrieved config value is: undefined"),
            "\(log)")
        #expect(log.contains("[alert] Retrieved config value is: remembered"), "\(log)")
    }

    @Test func createWindowRecordsTheLastUpdate() throws {
        let (fixture, summary, _) = try Self.run(
            """
            {"name": "w", "plugins": {"w": "\(Self.plugin("createWindow"))"}, "ops": [{"id": "w", "plugin": "w"}]}
            """)
        defer { fixture.remove() }
        #expect(summary.status == .succeeded, "\(summary.text)")
        let window = try PythonPluginRunTests.json(fixture, "0/w.window1.json")
        #expect(window["type"] == "WindowPlugin")
        #expect(window["data"] == ["value": 20], "the last of win.run({data: {value: i}}) for i in 0…20")
    }

    @Test func javaScriptRegisteredOpsCheckTheirConfigAgainstTheirUI() throws {
        func validate(_ number: Int) -> String {
            do {
                let workflow = try WorkflowLoader.load(
                    text: """
                        {"name": "r", "plugins": {"r": "\(Self.plugin("register"))"},
                         "ops": [{"id": "n", "plugin": "r", "op": "Numbers", "config": {"number": \(number)}}]}
                        """, file: "w.json")
                _ = try WorkflowValidator(resolver: .init(environment: [:])).validate(workflow)
                return ""
            } catch {
                return "\(error)"
            }
        }
        #expect(validate(700).contains("700 is above the maximum 100"))
        #expect(validate(7).isEmpty)
    }

    static func demo(_ name: String) -> String {
        DemoPlugins.examples.deletingLastPathComponent().appendingPathComponent("demos/\(name).imjoy.html").path
    }

    @Test func windowsOpenedInUnawaitedCallbacksAreKept() throws {
        let (fixture, summary, _) = try Self.run(
            """
            {"name": "d", "plugins": {"d": "\(Self.demo("showDialog"))"}, "ops": [{"id": "d", "plugin": "d"}]}
            """)
        defer { fixture.remove() }
        #expect(summary.status == .succeeded, "\(summary.text)")
        let window = try PythonPluginRunTests.json(fixture, "0/d.window1.json")
        #expect(window["name"] == "LUT Window")
        #expect(window["type"] == "imjoy/panel")
    }

    /// These demos depend on `Test Window Plugin`, which the demo repository's manifest marks
    /// `disabled`: ImJoy drops it from the manifest, so the dependency cannot be installed there
    /// either, and imjoy-run refuses it by name. Their window calls are checked on a copy whose
    /// `dependencies` list is empty.
    @Test(arguments: ["TestWebPythonPlugin", "testWebworkerPlugin"])
    func aDisabledDependencyIsRefusedByName(plugin: String) throws {
        let workflow = try WorkflowLoader.load(
            text: """
                {"name": "u", "plugins": {"u": "\(Self.demo(plugin))"}, "ops": [{"id": "u", "plugin": "u"}]}
                """, file: "w.json")
        #expect(throws: (any Error).self) { try WorkflowValidator(resolver: .init(environment: [:])).validate(workflow) }
        do { _ = try WorkflowValidator(resolver: .init(environment: [:])).validate(workflow) } catch {
            #expect("\(error)".contains("Test Window Plugin"), "\(error)")
        }
    }

    @Test(arguments: ["TestWebPythonPlugin", "testWebworkerPlugin"])
    func oldStyleUpdateWindowRecordsTheLastValue(plugin: String) throws {
        let temporary = try TemporaryDirectory("imjoy-run-demo")
        defer { withExtendedLifetime(temporary) {} }
        let folder = temporary.url
        let text = try String(contentsOfFile: Self.demo(plugin), encoding: .utf8)
            .replacingOccurrences(of: #""dependencies": ["oeway/ImJoy-Demo-Plugins:Test Window Plugin"]"#, with: #""dependencies": []"#)
        let copy = folder.appendingPathComponent("\(plugin).imjoy.html")
        try text.write(to: copy, atomically: true, encoding: .utf8)
        let (fixture, summary, _) = try Self.run(
            """
            {"name": "u", "plugins": {"u": "\(copy.path)"}, "ops": [{"id": "u", "plugin": "u"}]}
            """)
        defer { fixture.remove() }
        #expect(summary.status == .succeeded, "\(summary.text)")
        let window = try PythonPluginRunTests.json(fixture, "0/u.window1.json")
        #expect(window["type"] == "Test Window Plugin")
        // Python's range(20) ends at 19, the JavaScript loop (i <= 20) at 20.
        #expect(window["data"] == ["dummy_value": plugin == "TestWebPythonPlugin" ? 19 : 20], "\(window)")
    }

    @Test func aWindowKeptAcrossItemsIsShownByEachCall() throws {
        let (fixture, summary, _) = try Self.run(
            """
            {"name": "c", "plugins": {"c": "\(Self.demo("ChartsWebPython"))"}, "inputs": {"n": [1, 2]},
             "ops": [{"id": "c", "plugin": "c", "config": {"n_points": 4}}]}
            """)
        defer { fixture.remove() }
        #expect(summary.status == .succeeded, "\(summary.text)")
        for item in ["0", "1"] {
            let window = try PythonPluginRunTests.json(fixture, "\(item)/c.window1.json")
            #expect(window["type"] == "Charts JS window", "item \(item)")
            #expect(window["data"]?["x"] == [0, 1.25, 2.5, 3.75], "item \(item)")
        }
        #expect(try PythonPluginRunTests.json(fixture, "1/c.window1.json")["_method"] == "run")
    }

    @Test func calculatorComputesFromTheData() throws {
        let (fixture, summary, _) = try Self.run(
            """
            {"name": "c", "plugins": {"c": "\(Self.plugin("Calculator"))"}, "ops": [{"id": "c", "plugin": "c", "data": {"numb": 2}}]}
            """)
        defer { fixture.remove() }
        #expect(summary.status == .succeeded, "\(summary.text)")
        #expect(Self.log(fixture, "Calculator").contains("[alert] Exp of 2 is 7.38905609893065"), "\(Self.log(fixture, "Calculator"))")
    }
}

/// Where ImJoy's demo plugins are (the repository's copy, `Tests/Fixtures/real-plugins/`), and
/// whether Node.js is there to run them.
enum DemoPlugins {
    static let examples = RealPluginRun.root.appendingPathComponent("imjoy-demo-plugins/examples")
    static let available = FileManager.default.fileExists(atPath: examples.path) && RealPluginRun.hasNode
}
