/// A plugin's `type`: the runtime that runs it.
///
/// The known types are ImJoy's; an unknown type is kept verbatim in ``other(_:)`` so that a
/// later runner can refuse it by name.
public enum PluginType: Sendable, Hashable, CustomStringConvertible {
    case webWorker
    case nativePython
    case webPython
    case window
    case iframe
    case webPythonWindow
    case rpcWindow
    case rpcWorker
    case collection
    case other(String)

    /// The type for ImJoy's spelling, e.g. `"native-python"`.
    public init(rawValue: String) {
        switch rawValue {
        case "web-worker": self = .webWorker
        case "native-python": self = .nativePython
        case "web-python": self = .webPython
        case "window": self = .window
        case "iframe": self = .iframe
        case "web-python-window": self = .webPythonWindow
        case "rpc-window": self = .rpcWindow
        case "rpc-worker": self = .rpcWorker
        case "collection": self = .collection
        default: self = .other(rawValue)
        }
    }

    /// ImJoy's spelling.
    public var rawValue: String {
        switch self {
        case .webWorker: "web-worker"
        case .nativePython: "native-python"
        case .webPython: "web-python"
        case .window: "window"
        case .iframe: "iframe"
        case .webPythonWindow: "web-python-window"
        case .rpcWindow: "rpc-window"
        case .rpcWorker: "rpc-worker"
        case .collection: "collection"
        case .other(let name): name
        }
    }

    public var description: String { rawValue }

    /// Whether plugins of this type run Python (and so use pip/conda requirements).
    public var isPython: Bool { self == .nativePython || self == .webPython || self == .webPythonWindow }

    /// Legacy `mode` values (api_version <= 0.1.1) and the types they became.
    static func upgradingLegacyMode(_ mode: String) -> String {
        switch mode {
        case "pyworker": "native-python"
        case "webworker": "web-worker"
        case "webpython": "web-python"
        default: mode
        }
    }
}
