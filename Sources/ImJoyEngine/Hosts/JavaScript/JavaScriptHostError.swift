/// Why a web-worker plugin cannot run on the Node.js host.
public enum JavaScriptHostError: Error, CustomStringConvertible, Sendable {
    /// No Node.js: not on `PATH` and no `--node`.
    case nodeMissing(String)
    /// The JavaScript cache cannot be read or written.
    case cache(String)

    public var description: String {
        switch self {
        case .nodeMissing(let reason): "cannot run web-worker plugins: \(reason)"
        case .cache(let reason): "JavaScript cache: \(reason)"
        }
    }
}
