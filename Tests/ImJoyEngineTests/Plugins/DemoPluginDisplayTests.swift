import Foundation
import ImJoySchema
import TestSupport
import Testing

@testable import ImJoyEngine

/// ImJoy demo plugins that show progress or open windows (`Tests/Fixtures/real-plugins/`), run
/// end to end; each checked against what ImJoy would show: the progress values in order, the
/// window's type and data.
@Suite struct DemoPluginDisplayTests {
    /// examples/progress and examples/showProgress (web-worker) report 0…100 with
    /// `api.utils.sleep` between: every value arrives, in order, attributed to its op.
    @Test(.enabled(if: RealPluginRun.hasNode, "needs Node.js"))
    func progressExamplesReportEveryStepInOrder() throws {
        let run = try RealPluginRun("demo-progress.json")
        defer { run.remove() }
        #expect(run.summary.exitCode == 0, "\(run.summary.text)")
        for function in ["progress", "showProgress"] {
            #expect(run.shown(op: function) == (0...100).map { "\(function): \($0)" }, "\(run.shown(op: function).prefix(3))")
        }
    }

    /// examples/createWindowImgComp (web-worker, api 0.1.0) opens an `imjoy/image-compare`
    /// window without awaiting it: the window is the op's display output, with both images.
    @Test(.enabled(if: RealPluginRun.hasNode, "needs Node.js"))
    func imageCompareWindowIsCaptured() throws {
        let run = try RealPluginRun("demo-image-compare.json")
        defer { run.remove() }
        #expect(run.summary.exitCode == 0, "\(run.summary.text)")
        let window = try run.json("0/compare.window1.json")
        #expect(window["type"] == "imjoy/image-compare" && window["name"] == "test compare")
        #expect(
            window["data"] == [
                "first": "//placehold.it/350x150/0288D1/FFFFFF", "second": "//placehold.it/350x150/E8117F/FFFFFF",
            ])
        #expect(window["_fn"] == "createWindow")
    }

    /// demos/ChartsPyWorker (native-python) sends a damped cosine to its `Charts JS window`
    /// dependency's window: item 0 creates it, item 1 updates it with `window.run(data=…)`.
    @Test(.enabled(if: RealPluginRun.hasNumpy, "needs python3 with numpy"))
    func chartsPyWorkerPlotsADampedCosine() throws {
        let run = try RealPluginRun("demo-charts-pyworker.json")
        defer { run.remove() }
        #expect(run.summary.exitCode == 0, "\(run.summary.text) \(run.tasks.compactMap(\.error))")
        // np.around(np.arange(0, 5, 5/8), 2): round half to even, as numpy does.
        let expected = (0..<8).map { (Double($0) * 62.5).rounded(.toNearestOrEven) / 100 }
        for item in ["0", "1"] {
            let window = try run.json("\(item)/charts.window1.json")
            #expect(window["type"] == "Charts JS window", "item \(item)")
            let data = try #require(window["data"])
            let x = (data["x"]?.arrayValue ?? []).compactMap(\.doubleValue)
            let y = (data["y"]?.arrayValue ?? []).compactMap(\.doubleValue)
            #expect(x == expected, "item \(item): \(x)")
            #expect(y.count == 8 && zip(x, y).allSatisfy { abs(exp(-$0) * cos(2 * .pi * $0) - $1) < 1e-12 }, "item \(item): \(y)")
            #expect(data["type"] == "C3" && data["chart_txt"] == "Custom text", "the config, and the ui's placeholder as default")
        }
        #expect(try run.json("0/charts.window1.json")["_fn"] == "createWindow")
        #expect(try run.json("1/charts.window1.json")["_method"] == "run", "the kept window is updated")
        #expect(run.shown(op: "charts") == Array(repeating: "showStatus: [DEMO] Python worker to plot charts", count: 2))
    }

    static let hasMatplotlib = RealPluginRun.hasNumpy && (try? CommandRunner.python("import matplotlib"))?.status == 0

    /// demos/ChartsPNG (native-python) plots with matplotlib and shows the PNG in an
    /// `imjoy/image` window as a data URL.
    @Test(.enabled(if: hasMatplotlib, "needs python3 with numpy and matplotlib"))
    func chartsPNGShowsAPNG() throws {
        let run = try RealPluginRun("demo-charts-png.json")
        defer { run.remove() }
        #expect(run.summary.exitCode == 0, "\(run.summary.text) \(run.tasks.compactMap(\.error))")
        let window = try run.json("0/charts.window1.json")
        #expect(window["type"] == "imjoy/image")
        let source = window["data"]?["src"]?.stringValue ?? ""
        let prefix = "data:image/png;base64,"
        #expect(source.hasPrefix(prefix))
        let png = Data(base64Encoded: String(source.dropFirst(prefix.count))) ?? Data()
        #expect(png.starts(with: [0x89, 0x50, 0x4E, 0x47]), "a PNG image")
    }
}
