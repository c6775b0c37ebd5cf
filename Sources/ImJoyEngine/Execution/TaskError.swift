import Foundation
import ImJoyWorkflow

/// Why a task (one op for one item) failed, with where it happened: the op, the item, the file
/// when one is involved, and the underlying error.
///
/// ``message`` is the reason alone (what events and the run summary show after the item and
/// op); ``description`` is the whole error on one line, in the style of load-time errors:
/// `item img_0, op 'smooth' (file in/a.tif): reading the input: not a readable TIFF file`.
public struct TaskError: Error, CustomStringConvertible, Sendable {
    /// What went wrong, by stage of the task.
    public indirect enum Reason: Sendable {
        /// The op's data expression could not be evaluated (`$inputs.x`, `$op.field`).
        case data(DataExpressionError)
        /// The data does not match the op's `inputs` schema.
        case inputsSchema(String)
        /// The result does not match the op's `outputs` schema.
        case outputsSchema(String)
        /// The op's invoker (a built-in kernel or a plugin host) threw.
        case call(any Error)
        /// The call ran longer than the op's `timeout` (seconds).
        case timedOut(seconds: Double)
        /// The result could not be written.
        case writing(any Error)
        /// A cached result could not be read and the op could not be called instead.
        case cache(any Error)
        /// A call this task needed (a deferred read, a stale cache entry's op) failed.
        case upstream(TaskError)
        /// The executor's own bookkeeping failed (a deferred call taken twice).
        case `internal`(String)
    }

    /// The op that failed (for ``Reason/upstream(_:)``, the upstream op).
    public var op: String
    /// The item's key.
    public var item: String
    /// The file involved, when there is one (an output being written, an input being read).
    public var file: String?
    public var reason: Reason

    public init(op: String, item: String, file: String? = nil, reason: Reason) {
        self.op = op
        self.item = item
        self.file = file ?? Self.file(of: reason)
        self.reason = reason
    }

    init(_ call: OpCall, file: String? = nil, _ reason: Reason) {
        self.init(op: call.op.id, item: call.item.key, file: file, reason: reason)
    }

    /// The underlying error, when there is one.
    public var underlying: (any Error)? {
        switch reason {
        case .data(let error): error
        case .call(let error), .writing(let error), .cache(let error): error
        case .upstream(let error): error
        case .inputsSchema, .outputsSchema, .timedOut, .internal: nil
        }
    }

    /// The reason as events and the run summary show it (after the item and op).
    public var message: String {
        switch reason {
        case .data(let error): error.path == nil ? "data: \(error)" : "\(error)"
        case .inputsSchema(let problem): "data does not match the op's inputs schema: \(problem)"
        case .outputsSchema(let problem): "result does not match the op's outputs schema: \(problem)"
        case .call(let error): "\(error)"
        case .timedOut(let seconds): "timed out after \(seconds) s"
        case .writing(let error): "writing the result: \(error)"
        case .cache(let error): "\(error)"
        case .upstream(let error): "'\(error.op)' failed: \(error.message)"
        case .internal(let message): message
        }
    }

    /// The error on one line: item, op, file, then the reason (line breaks of a plugin's
    /// traceback become ` ⏎ `).
    public var description: String {
        var text = "item \(item), op '\(op)'"
        if let file { text += " (file \(file))" }
        return text + ": " + message.split(separator: "\n", omittingEmptySubsequences: true).joined(separator: " ⏎ ")
    }

    /// The file an underlying error names, if it is one that does (Foundation's file errors).
    static func file(of reason: Reason) -> String? {
        let error: (any Error)? =
            switch reason {
            case .call(let error), .writing(let error), .cache(let error): error
            default: nil
            }
        guard let error else { return nil }
        if let entry = error as? CacheEntryError { return entry.path }
        return (error as NSError).userInfo[NSFilePathErrorKey] as? String
    }
}
