import Foundation
import ImJoyPlugin
import ImJoyWorkflow
import ImageIO
import Synchronization
import TestSupport

@testable import ImJoyEngine

/// A temporary folder with `count` small uint16 TIFFs (written by ImageIO, no Python) and a
/// workflow over them; `remove()` in a `defer`.
struct RunFixture {
    let directory: URL
    var out: URL { directory.appendingPathComponent("out") }
    var workflowFile: String { directory.appendingPathComponent("w.json").path }

    static let pipeline = """
        {"name": "lib", "version": "1.0", "inputs": {"images": {"glob": "*.tif"}},
         "ops": [{"id": "load", "builtin": "read-tiff"},
                 {"id": "smooth", "builtin": "gaussian", "config": {"sigma": 1.5}},
                 {"id": "mask", "builtin": "threshold", "config": {"method": "mean"}},
                 {"id": "stats", "builtin": "stats", "data": "$smooth"}]}
        """

    init(count: Int = 3, workflow: String = RunFixture.pipeline) throws {
        directory = try Fixtures.temporaryDirectory("imjoy-run-engine-run")
        for index in 0..<count {
            let pixels = (0..<(24 * 20)).map { UInt16(truncatingIfNeeded: ($0 * 37 + index * 911) % 4000) }
            let array = try NDArray(shape: [24, 20], elements: pixels)
            try TIFFWriter.write(array, to: directory.appendingPathComponent("img_\(index).tif"))
        }
        try workflow.write(toFile: workflowFile, atomically: true, encoding: .utf8)
    }

    func remove() {
        try? FileManager.default.removeItem(at: directory)
    }

    /// The validated plan of the workflow file.
    func plan() throws -> WorkflowPlan {
        let workflow = try WorkflowLoader.load(contentsOf: workflowFile)
        return try WorkflowPlan(WorkflowValidator(resolver: PluginResolver(environment: [:])).validate(workflow))
    }

    /// Options into `out` (or `folder`), quiet, two jobs.
    func options(_ folder: URL? = nil) -> WorkflowRunOptions {
        var options = WorkflowRunOptions(outputDirectory: (folder ?? out).path)
        options.jobs = 2
        return options
    }

    func run(_ options: WorkflowRunOptions? = nil) throws -> WorkflowRunSummary {
        try WorkflowRun(plan: try plan(), options: options ?? self.options()).run()
    }
}

/// Collects a run's task events.
final class EventLog: RunObserver, Sendable {
    private let events = Mutex<[TaskEvent]>([])
    /// Called with each event (after it is stored).
    let onEvent: @Sendable (TaskEvent) -> Void

    init(onEvent: @escaping @Sendable (TaskEvent) -> Void = { _ in }) {
        self.onEvent = onEvent
    }

    var all: [TaskEvent] { events.withLock { $0 } }
    func runStarted(items: Int, tasks: Int, jobs: Int) {}
    func runFinished(_ summary: RunSummary) {}
    func taskFinished(_ event: TaskEvent, done: Int, total: Int) {
        events.withLock { $0.append(event) }
        onEvent(event)
    }
}

/// What the machine offers the run tests (a test needing what is missing is skipped with its reason).
enum RunTestConditions {
    /// python3 with numpy, for the Python host.
    static let pythonWithNumpy: Bool = (try? CommandRunner.python("import numpy"))?.status == 0
}
