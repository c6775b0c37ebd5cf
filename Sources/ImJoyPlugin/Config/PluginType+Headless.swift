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
}
