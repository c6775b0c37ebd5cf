import Foundation

/// Why a run could not start. Each prints on one line; the CLI exits 2 for all of them.
public enum WorkflowRunError: Error, CustomStringConvertible, Sendable {
    /// An option out of its bounds.
    case badOption(String)
    /// `--rerun OP` names no op of the workflow.
    case unknownRerunOp(op: String, ops: [String])
    /// The out dir (or its state folder) cannot be created or written.
    case outputNotWritable(path: String, reason: String)
    /// Another run holds the out dir's lock.
    case outputLocked(path: String, lockFile: String, shard: String?)
    /// The events file cannot be opened.
    case eventsFile(path: String, reason: String)
    /// The plugin hosts or schema checks cannot be prepared.
    case cannotStart(String)

    public var description: String {
        switch self {
        case .badOption(let message):
            message
        case .unknownRerunOp(let op, let ops):
            "--rerun \(op): the workflow has no op '\(op)' (ops: \(ops.joined(separator: ", ")))"
        case .outputNotWritable(let path, let reason):
            "the output folder \(path) cannot be written: \(reason)"
        case .outputLocked(let path, let lockFile, let shard?):
            "another imjoy-run is writing shard \(shard) into \(path) (lock \(lockFile)); wait for it to finish"
        case .outputLocked(let path, let lockFile, nil):
            "another imjoy-run is writing into \(path) (lock \(lockFile)); wait for it to finish or choose another --out"
        case .eventsFile(let path, let reason):
            "cannot write the events file \(path): \(reason)"
        case .cannotStart(let reason):
            reason
        }
    }
}
