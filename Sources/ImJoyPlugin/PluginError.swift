/// Where in a plugin file something was found: the file, and the line and config field when known.
public struct PluginLocation: Sendable, Equatable, CustomStringConvertible {
    /// The plugin file's path (or a name such as `<memory>` for text parsed directly).
    public var file: String
    /// The 1-based line, when known.
    public var line: Int?
    /// The config field (a JSON path such as `ui[1]` or `env.GPU`), when one is at fault.
    public var field: String?

    public init(file: String, line: Int? = nil, field: String? = nil) {
        self.file = file
        self.line = line
        self.field = field
    }

    /// `FILE:LINE: field 'F'`, leaving out what is unknown.
    public var description: String {
        var text = file
        if let line { text += ":\(line)" }
        if let field { text += ": field '\(field)'" }
        return text
    }

    func with(field: String) -> PluginLocation {
        PluginLocation(file: file, line: line, field: field)
    }
}

/// A plugin file, manifest or plugin reference that could not be used.
///
/// Every case names the file, and the line and field where known; ``description`` is one line.
public enum PluginError: Error, CustomStringConvertible, Sendable, Equatable {
    /// The file could not be read.
    case unreadable(file: String, reason: String)
    /// The file has no top-level `<config>` block.
    case missingConfig(PluginLocation)
    /// The config block is not valid JSON or YAML.
    case invalidConfigSyntax(PluginLocation, language: String, detail: String)
    /// The config block has no `lang` and its `api_version` is above 0.1.5.
    case missingConfigLanguage(PluginLocation, apiVersion: String)
    /// The config block has a `lang` other than `json` or `yaml`.
    case unsupportedConfigLanguage(PluginLocation, language: String)
    /// A required field is absent.
    case missingField(PluginLocation)
    /// A field has a value of the wrong kind or an invalid value.
    case invalidField(PluginLocation, reason: String)
    /// The requested tag is not among the plugin's tags.
    case unknownTag(PluginLocation, requested: String, declared: [String])
    /// A `ui` string or element could not be parsed.
    case invalidUI(PluginLocation, widget: String, reason: String)
    /// A manifest (`manifest.imjoy.json`) is malformed.
    case invalidManifest(file: String, reason: String)
    /// A plugin source (path, `path@TAG` or `OWNER/REPO:NAME@TAG`) could not be resolved.
    case unresolvedSource(String, reason: String)

    public var description: String {
        switch self {
        case .unreadable(let file, let reason):
            "\(file): cannot read the plugin file: \(reason)"
        case .missingConfig(let location):
            "\(location): no <config> block; every plugin file needs one"
        case .invalidConfigSyntax(let location, let language, let detail):
            "\(location): the <config> block is not valid \(language): \(detail)"
        case .missingConfigLanguage(let location, let apiVersion):
            "\(location): the <config> block has no lang attribute, which api_version \(apiVersion) requires; "
                + "write <config lang=\"json\"> or <config lang=\"yaml\">"
        case .unsupportedConfigLanguage(let location, let language):
            "\(location): unsupported config language '\(language)'; use lang=\"json\" or lang=\"yaml\""
        case .missingField(let location):
            "\(location): required but missing"
        case .invalidField(let location, let reason):
            "\(location): \(reason)"
        case .unknownTag(let location, let requested, let declared):
            declared.isEmpty
                ? "\(location): tag '\(requested)' was requested but the plugin declares no tags"
                : "\(location): tag '\(requested)' is not declared; the plugin's tags are \(declared.map { "'\($0)'" }.joined(separator: ", "))"
        case .invalidUI(let location, let widget, let reason):
            "\(location): cannot parse ui widget \(widget): \(reason)"
        case .invalidManifest(let file, let reason):
            "\(file): invalid plugin manifest: \(reason)"
        case .unresolvedSource(let source, let reason):
            "plugin '\(source)': \(reason)"
        }
    }
}
