import Foundation

/// Why a run cannot be exported as an RO-Crate (the CLI exits 2).
public enum ROCrateError: Error, CustomStringConvertible, Sendable {
    /// `OUT/manifest.json` is missing or unreadable (the run did not finish, or a sharded run was not gathered).
    case unreadableManifest(path: String, reason: String)
    /// The recorded workflow cannot be loaded and validated again (moved, edited, plugins missing).
    case workflow(file: String, reason: String)
    /// A file of the crate cannot be copied or written.
    case write(path: String, reason: String)

    public var description: String {
        switch self {
        case .unreadableManifest(let path, let reason): "cannot read \(path): \(reason) (run the workflow, and gather a sharded run, first)"
        case .workflow(let file, let reason): "cannot load the recorded workflow \(file): \(reason)"
        case .write(let path, let reason): "cannot write \(path): \(reason)"
        }
    }
}
