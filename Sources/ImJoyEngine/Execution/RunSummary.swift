import Foundation

/// What a run did: counts, failures, and the files it wrote.
public struct RunSummary: Sendable {
    /// One failed item: the op that failed and why.
    public struct Failure: Sendable, Equatable {
        public var itemKey: String
        public var itemIndex: Int
        public var op: String
        public var message: String
        /// The typed error (with the underlying one), when the executor made this failure.
        public var error: TaskError?

        public init(itemKey: String, itemIndex: Int, op: String, message: String, error: TaskError? = nil) {
            self.itemKey = itemKey
            self.itemIndex = itemIndex
            self.op = op
            self.message = message
            self.error = error
        }

        public static func == (a: Failure, b: Failure) -> Bool {
            (a.itemKey, a.itemIndex, a.op, a.message) == (b.itemKey, b.itemIndex, b.op, b.message)
        }
    }

    public var items: Int
    public var tasks: Int
    public var succeededTasks: Int
    public var failedTasks: Int
    /// Tasks not run because an upstream task of their item failed (or `--fail-fast` stopped the run).
    public var skippedTasks: Int
    /// One entry per failed task, in item order.
    public var failures: [Failure]
    /// Files written for results, relative to the output folder, sorted.
    public var outputs: [String]
    public var seconds: Double

    /// Items with at least one failed task.
    public var failedItems: Int { Set(failures.map(\.itemIndex)).count }

    /// 0 when every item succeeded, else 1.
    public var exitCode: Int32 { failures.isEmpty && skippedTasks == 0 ? 0 : 1 }

    /// A few lines for the end of a run.
    public var text: String {
        var lines = [
            "\(items - failedItems)/\(items) items succeeded; \(succeededTasks) tasks done, \(failedTasks) failed, \(skippedTasks) skipped; \(outputs.count) files written in \(String(format: "%.2f", seconds)) s"
        ]
        for failure in failures {
            lines.append("  failed: item \(failure.itemKey), op \(failure.op): \(failure.message)")
        }
        return lines.joined(separator: "\n")
    }
}
