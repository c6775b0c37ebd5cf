import ImJoyPlugin

/// The program a plugin host process runs: CPython with `imjoy_host.py`, or Node.js with
/// `imjoy_host.js`. Both speak the same frames (``HostFrame``); this is what differs.
enum HostRuntime: Sendable {
    case python
    case node

    /// The runtime of a plugin type, or `nil` when imjoy-run has no host for it.
    init?(serving type: PluginType) {
        switch type {
        case .nativePython, .webPython: self = .python
        case .webWorker: self = .node
        default: return nil
        }
    }

    /// Arguments between the interpreter and the host program (`-u`: unbuffered Python).
    var interpreterArguments: [String] {
        switch self {
        case .python: ["-u"]
        case .node: []
        }
    }

    /// How the host names its `/dev/shm` segments (then its pid).
    var hostSegmentPrefix: String {
        switch self {
        case .python: "imjoy-run-py-"
        case .node: "imjoy-run-js-"
        }
    }

    /// Whether the host executes `script` (`<script lang="python">` or `lang="javascript"`).
    func runs(_ script: PluginScript) -> Bool {
        let lang = script.lang.lowercased()
        switch self {
        case .python: return lang.hasPrefix("python")
        case .node: return lang == "javascript" || lang == "js"
        }
    }
}
