import Foundation
import Synchronization
import TestSupport
import Testing

@testable import ImJoyEngine

/// Cancelling a run: no new call starts, the run returns a cancelled summary (exit 128 + N for
/// a signal), and the out dir stays consistent (records and manifest list finished items only).
@Suite struct RunCancellationTests {
    /// Holds the run so an observer can cancel it.
    final class RunBox: Sendable {
        let run = Mutex<WorkflowRun?>(nil)
        func cancel(_ reason: RunCancellationReason) { run.withLock { $0 }?.cancel(reason) }
    }

    @Test func cancellingAfterTheFirstItemStopsTheRunAndKeepsTheOutDirConsistent() throws {
        let fixture = try RunFixture(count: 6)
        defer { fixture.remove() }
        let box = RunBox()
        let events = EventLog { event in
            if event.itemKey == "img_0" && event.op == "stats" { box.cancel(.signal(15)) }
        }
        var options = fixture.options()
        (options.jobs, options.observers) = (1, [events])
        let run = WorkflowRun(plan: try fixture.plan(), options: options)
        box.run.withLock { $0 = run }
        let summary = try run.run()
        #expect(summary.status == .cancelled(.signal(15)))
        #expect(summary.exitCode == 143)
        #expect(summary.succeededItems >= 1 && summary.succeededItems < 6, "\(summary.text)")
        #expect(summary.text.contains("cancelled by signal 15"), "\(summary.text)")
        #expect(events.all.contains { $0.error?.contains("run cancelled by signal 15") == true })
        let manifest = try RunManifest.read(try #require(summary.manifest))
        let items = Set((manifest["outputs"]?.arrayValue ?? []).compactMap { $0["item"]?.stringValue })
        #expect(items.contains("img_0") && items.count == summary.succeededItems, "\(items)")
        let records = CompletionRecords(outputDirectory: fixture.out.path)
        for item in items { #expect(records.problem(try #require(records.record(item))) == nil) }
        // A resumed run finishes the rest.
        var resume = fixture.options()
        resume.resume = true
        let rest = try fixture.run(resume)
        #expect(rest.status == .succeeded && rest.resumed == summary.succeededItems, "\(rest.text)")
    }

    @Test func aRunCancelledBeforeItStartsRunsNothing() throws {
        let fixture = try RunFixture(count: 2)
        defer { fixture.remove() }
        let run = WorkflowRun(plan: try fixture.plan(), options: fixture.options())
        run.cancel()
        let summary = try run.run()
        #expect(summary.status == .cancelled(.requested))
        #expect(summary.exitCode == 1)
        #expect(summary.succeededItems == 0 && summary.outputs.isEmpty, "\(summary.text)")
    }

    static let pythonPlugin = """
        <config lang="json">{"name": "Sleeper", "type": "native-python", "version": "0.1", "api_version": "0.1.8", "flags": ["functional"]}</config>
        <script lang="python">
        import time
        from imjoy import api
        class Plugin:
            def setup(self):
                pass
            def run(self, ctx):
                time.sleep(30)
                return 1
        api.export(Plugin())
        </script>
        """

    @Test(.enabled(if: RunTestConditions.pythonWithNumpy, "needs python3 with numpy"))
    func cancellingStopsABusyPluginProcessAtOnce() throws {
        let fixture = try RunFixture(
            count: 2,
            workflow: """
                {"name": "sleepy", "plugins": {"s": "Sleeper.imjoy.html"}, "inputs": {"images": {"glob": "*.tif"}},
                 "ops": [{"id": "s", "plugin": "s", "data": 1}]}
                """)
        defer { fixture.remove() }
        try Self.pythonPlugin.write(to: fixture.directory.appendingPathComponent("Sleeper.imjoy.html"), atomically: true, encoding: .utf8)
        var options = fixture.options()
        let run = WorkflowRun(plan: try fixture.plan(), options: options)
        DispatchQueue.global().asyncAfter(deadline: .now() + 2) { run.cancel(.signal(2)) }
        let started = Date()
        let summary = try run.run()
        #expect(Date().timeIntervalSince(started) < 15, "the run took \(Date().timeIntervalSince(started)) s")
        #expect(summary.status == .cancelled(.signal(2)))
        #expect(summary.exitCode == 130)
        #expect(summary.succeededItems == 0, "\(summary.text)")
    }
}
