extension PluginType {
    /// Plugin types that exist to show a user interface (window, iframe, web-python-window,
    /// rpc-window): they cannot run in a batch run, and a workflow that calls one is refused by
    /// `validate` and `run` alike.
    public static let userInterfaceTypes: Set<PluginType> = [.window, .iframe, .webPythonWindow, .rpcWindow]

    /// Whether plugins of this type show a user interface (``userInterfaceTypes``).
    public var showsUserInterface: Bool { Self.userInterfaceTypes.contains(self) }

    /// Why plugin `plugin` of this type cannot run headless: the text `validate` and `run` print
    /// after the op, e.g. `plugin Viewer is a window plugin: window plugins show a user interface …`.
    public func headlessRefusal(plugin: String) -> String {
        "plugin \(plugin) is a \(rawValue) plugin: \(rawValue) plugins show a user interface and cannot run in a batch run; call a web-worker or Python plugin (or a built-in op) for the computation"
    }

    /// Plugin types a batch run has a host for: web-worker (Node.js), native-python and
    /// web-python (CPython).
    public static let batchTypes: Set<PluginType> = [.webWorker, .nativePython, .webPython]

    /// Why a workflow op cannot call plugin `plugin` of this type, or `nil` when it can: the
    /// user-interface refusal (``headlessRefusal(plugin:)``), or, for a type no batch host runs
    /// (`rpc-worker`, `collection`, `jupyter-notebook`, …), that there is none.
    public func batchRefusal(plugin: String) -> String? {
        if showsUserInterface { return headlessRefusal(plugin: plugin) }
        if Self.batchTypes.contains(self) { return nil }
        return
            "plugin \(plugin) is a \(rawValue) plugin: imjoy-run has no host for \(rawValue) plugins (batch runs run web-worker, native-python and web-python plugins)"
    }
}
