import Foundation
import ImJoyPlugin
import ImJoySchema
import ImJoyWorkflow
import Synchronization
import TestSupport

@testable import ImJoyEngine

/// Runs a workflow of `Tests/Fixtures/real-plugins/` through ``WorkflowRun`` into a temporary
/// folder, collecting task events and the plugins' api messages (what ImJoy would show).
struct RealPluginRun {
    static let root = Fixtures.url("real-plugins")
    static let hasNode = Subprocess.which("node") != nil || Subprocess.which("nodejs") != nil
    static let hasPython = Subprocess.which("python3") != nil
    static let hasNumpy = hasPython && (try? CommandRunner.python("import numpy"))?.status == 0

    let directory: URL
    let summary: WorkflowRunSummary
    let tasks: [TaskEvent]
    let messages: [PluginEvent]
    var out: URL { directory.appendingPathComponent("out") }

    /// Runs workflow `name` (a file in `workflows/`, or a path under the fixtures root).
    init(_ name: String, plugins: [String] = [], jobs: Int = 2, configure: (inout WorkflowRunOptions) -> Void = { _ in }) throws {
        directory = try Fixtures.temporaryDirectory("imjoy-run-real-plugins")
        do {
            let file = name.hasPrefix("/") ? name : Self.root.appendingPathComponent("workflows/\(name)").path
            let workflow = try WorkflowLoader.load(contentsOf: file)
            let resolver = PluginResolver(directories: plugins.map { Self.root.appendingPathComponent($0).path }, environment: [:])
            let plan = try WorkflowPlan(WorkflowValidator(resolver: resolver).validate(workflow))
            let collector = Collector()
            var options = WorkflowRunOptions(outputDirectory: directory.appendingPathComponent("out").path)
            options.jobs = jobs
            options.usesCache = false
            options.observers = [collector]
            configure(&options)
            summary = try WorkflowRun(plan: plan, options: options).run()
            tasks = collector.tasks.withLock { $0 }
            messages = collector.events.withLock { $0 }.filter { if case .message = $0.kind { true } else { false } }
        } catch {
            try? FileManager.default.removeItem(at: directory)
            throw error
        }
    }

    /// Removes the folder until it stays gone: a host process prestarted by the run may still
    /// create its workspace after the run's shutdown (the host-layer race RuntimeIdentityTests
    /// works around the same way).
    func remove() {
        for _ in 0..<20 {
            try? FileManager.default.removeItem(at: directory)
            Thread.sleep(forTimeInterval: 0.05)
            if !FileManager.default.fileExists(atPath: directory.path) { break }
        }
    }

    /// The api messages of op `op` (any plugin serving it), as `fn: text` lines.
    func shown(op: String?) -> [String] {
        messages.filter { $0.origin?.op == op }.compactMap { event in
            guard case .message(let function, let arguments) = event.kind else { return nil }
            return "\(function): " + arguments.map { $0.stringValue ?? $0.serialized() }.joined(separator: " ")
        }
    }

    /// The result file `item/op.json`.
    func json(_ path: String) throws -> JSONValue {
        try JSONValue(jsonBytes: [UInt8](Data(contentsOf: out.appendingPathComponent(path))))
    }

    func error(op: String) -> String? { tasks.first { $0.op == op }?.error }

    final class Collector: RunObserver, Sendable {
        let tasks = Mutex<[TaskEvent]>([])
        let events = Mutex<[PluginEvent]>([])
        func runStarted(items: Int, tasks: Int, jobs: Int) {}
        func runFinished(_ summary: RunSummary) {}
        func taskFinished(_ event: TaskEvent, done: Int, total: Int) { tasks.withLock { $0.append(event) } }
        func pluginEvents(_ events: [PluginEvent]) { self.events.withLock { $0 += events } }
    }
}
