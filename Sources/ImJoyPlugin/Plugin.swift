import Foundation
import ImJoySchema
import OrderedCollections

/// A parsed ImJoy plugin file (`*.imjoy.html`), resolved for one tag.
///
/// ```swift
/// let plugin = try Plugin(contentsOf: "samples/plugins/GaussianBlur.imjoy.html", tag: "CPU")
/// print(plugin.config.name, plugin.config.flags.isFunctional, plugin.scripts.count)
/// ```
public struct Plugin: Sendable {
    /// The file the plugin was read from (or a label such as `<memory>`).
    public var file: String
    /// The whole file text (ImJoy's `code`).
    public var code: String
    /// The resolved config.
    public var config: PluginConfig
    /// The `<script>` blocks with no tag or the active tag, in file order; they run in this order.
    public var scripts: [PluginScript]
    /// `<attachment name="…">` contents by name (`api.getAttachment(name)`).
    public var attachments: OrderedDictionary<String, String>
    /// The first `<docs>` block's content, else the config's `docs` field.
    public var docs: String?
    /// Every top-level block, as parsed.
    public var blocks: PluginBlocks
    /// Things ImJoy would only log: a tag dict without the active tag, unclosed blocks, …
    public var warnings: [String]

    /// Reads and parses the plugin file at `path`.
    /// - Parameter tag: The tag to resolve; `nil` selects the first declared tag.
    public init(contentsOf path: String, tag: String? = nil) throws(PluginError) {
        let data: Data
        do {
            // A regular file within the size limit: a FIFO or /dev/zero must not hang the reader.
            data = try DocumentFile.read(path, limit: DocumentFile.maximumPluginBytes)
        } catch {
            throw .unreadable(file: path, reason: error.description)
        }
        // Invalid UTF-8 is replaced, as a browser decoding the file would.
        try self.init(text: String(decoding: data, as: UTF8.self), file: path, tag: tag)
    }

    /// Parses plugin file text, following imjoy-core's `parsePluginCode`.
    /// - Parameters:
    ///   - text: The file content.
    ///   - file: The name used in errors.
    ///   - tag: The tag to resolve; `nil` selects the first declared tag.
    public init(text: String, file: String = "<memory>", tag: String? = nil) throws(PluginError) {
        let blocks = PluginFileParser.parseBlocks(text)
        var loader = PluginConfigLoader(file: file, blocks: blocks)
        let config = try loader.load(requestedTag: tag)
        self.file = file
        self.code = text
        self.config = config
        self.blocks = blocks
        self.scripts = Plugin.selectScripts(blocks.script, tag: config.tag)
        var attachments = OrderedDictionary<String, String>()
        for block in blocks.attachment {
            if let name = block.attribute("name"), attachments[name] == nil { attachments[name] = block.content }
        }
        self.attachments = attachments
        self.docs = blocks.docs.first?.content ?? config.fields["docs"]?.stringValue
        self.warnings = blocks.warnings + loader.warnings
        if !config.fields.keys.contains("lang"), let first = scripts.first {
            self.config.lang = first.lang
        }
    }

    /// ImJoy's script selection: every `<script>` whose `tag` attribute is absent or equals the
    /// active tag, in file order.
    static func selectScripts(_ blocks: [PluginBlock], tag: String?) -> [PluginScript] {
        blocks.compactMap { block in
            let scriptTag = block.attributes["tag"]
            if let scriptTag, scriptTag.string == nil || scriptTag.string != tag { return nil }
            return PluginScript(
                lang: block.lang ?? "javascript", tag: scriptTag?.string, attributes: block.attributes,
                content: block.content, line: block.contentLine)
        }
    }
}
