import OrderedCollections

/// The value of an attribute on a block's open tag: a string, or `true` for a valueless
/// attribute (`<script async>`), as ImJoy's parser gives it. An empty value (`lang=""`) is also
/// `true`, because ImJoy reads attributes with `value || true`.
public enum AttributeValue: Sendable, Equatable, Hashable {
    case string(String)
    case flag

    /// The string value, or `nil` for a valueless attribute.
    public var string: String? {
        if case .string(let s) = self { return s }
        return nil
    }
}

/// One top-level element of a plugin file (`<config>`, `<script>`, `<window>`, …).
public struct PluginBlock: Sendable, Equatable {
    /// The element name exactly as written (names are case-sensitive: `<Config>` is not a config).
    public var type: String
    /// The attributes of the open tag, in the order written.
    public var attributes: OrderedDictionary<String, AttributeValue>
    /// The text between the open and the close tag, de-indented as ImJoy does.
    public var content: String
    /// The 1-based line of the open tag.
    public var line: Int
    /// The 1-based line on which `content` starts (the line of the open tag's `>`).
    public var contentLine: Int

    public init(
        type: String, attributes: OrderedDictionary<String, AttributeValue> = [:], content: String,
        line: Int = 1, contentLine: Int = 1
    ) {
        self.type = type
        self.attributes = attributes
        self.content = content
        self.line = line
        self.contentLine = contentLine
    }

    /// The string value of attribute `name`; `nil` when absent or valueless.
    public func attribute(_ name: String) -> String? { attributes[name]?.string }

    /// The `lang` attribute (`nil` when absent or valueless).
    public var lang: String? { attribute("lang") }
}

/// The blocks of a plugin file grouped by kind, as imjoy-core's `parseComponent` returns them.
public struct PluginBlocks: Sendable, Equatable {
    /// The kinds ImJoy collects by name; any other top-level element goes to ``others``.
    public static let knownKinds: Set<String> = ["config", "script", "window", "style", "docs", "attachment", "link"]

    public var config: [PluginBlock] = []
    public var script: [PluginBlock] = []
    public var window: [PluginBlock] = []
    public var style: [PluginBlock] = []
    public var docs: [PluginBlock] = []
    public var attachment: [PluginBlock] = []
    public var link: [PluginBlock] = []
    /// Top-level elements of any other name, in file order.
    public var others: [PluginBlock] = []
    /// Problems that did not stop parsing (an unclosed block, an unterminated comment).
    public var warnings: [String] = []

    public init() {}

    mutating func append(_ block: PluginBlock) {
        switch block.type {
        case "config": config.append(block)
        case "script": script.append(block)
        case "window": window.append(block)
        case "style": style.append(block)
        case "docs": docs.append(block)
        case "attachment": attachment.append(block)
        case "link": link.append(block)
        default: others.append(block)
        }
    }
}
