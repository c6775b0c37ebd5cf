/// A plugin's `flags`, with the ones imjoy-run acts on as properties.
public struct PluginFlags: Sendable, Hashable {
    /// Every flag as written, in order.
    public var all: [String]

    public init(_ flags: [String] = []) { self.all = flags }

    /// `functional`: the plugin's ops are pure, so imjoy-run runs them in parallel and caches them.
    public var isFunctional: Bool { all.contains("functional") }
    /// `single-instance`: one process serves every workflow of a run.
    public var isSingleInstance: Bool { all.contains("single-instance") }
    /// `allow-detach`: the process is kept for the whole run.
    public var allowsDetach: Bool { all.contains("allow-detach") }
}
