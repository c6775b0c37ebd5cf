/// One of a plugin's `dependencies`: another plugin it loads, `REPO:NAME@TAG` or `URL@TAG`.
public struct PluginDependency: Sendable, Hashable {
    /// The text as written.
    public var text: String
    /// The parsed reference, or `nil` when the text is a bare name or path.
    public var reference: PluginReference?

    public init(_ text: String) {
        self.text = text
        self.reference = PluginReference(text)
    }
}
