import OrderedCollections

/// A `<script>` block selected for the active tag, in file order.
public struct PluginScript: Sendable, Equatable {
    /// The script language (`lang` attribute), `javascript` when absent.
    public var lang: String
    /// The `tag` attribute, if any.
    public var tag: String?
    /// Every attribute of the `<script>` tag (`type="module"`, `async`, …).
    public var attributes: OrderedDictionary<String, AttributeValue>
    /// The de-indented source.
    public var content: String
    /// The 1-based line where the content starts.
    public var line: Int
}
