import ImJoySchema

/// A plugin's resolved `<config>`: the active tag applied, legacy fields upgraded, defaults filled,
/// and every field ImJoy gives meaning to available in typed form.
///
/// ``fields`` keeps the whole resolved config object, so fields imjoy-run does not model
/// (`icon`, `cover`, `labels`, `authors`, …) are not lost.
public struct PluginConfig: Sendable {
    /// The resolved config object, ImJoy's field names, in document order.
    public var fields: JSONObject

    public var name: String
    public var type: PluginType
    public var version: String?
    public var apiVersion: String
    public var description: String?
    /// The tags the plugin declares.
    public var tags: [String]
    /// The active tag: the requested one, else the first declared, else none.
    public var tag: String?
    public var flags: PluginFlags
    /// The parameters declared by `ui` widgets, in order: the run op's config fields.
    public var parameters: [UIParameter]
    /// The `inputs` schema, raw (ImJoySchema compiles it with ImJoy's normalisation).
    public var inputs: JSONValue?
    /// The `outputs` schema, raw.
    public var outputs: JSONValue?
    public var requirements: [Requirement]
    public var environment: [EnvironmentEntry]
    /// The Python interpreter command of a native-python plugin (`cmd`, default `python`).
    public var command: String
    public var dependencies: [PluginDependency]
    /// `defaults` (window size and similar), raw.
    public var defaults: JSONObject?
    /// Whether the plugin can be run (`runnable`, default true).
    public var runnable: Bool
    /// The language of the first script, default `javascript`.
    public var lang: String
}

// MARK: - Tag-configurable fields

extension PluginConfig {
    /// The fields that may hold a per-tag dictionary (imjoy-core `CONFIGURABLE_FIELDS`).
    public static let tagConfigurableFields = [
        "env", "requirements", "dependencies", "icon", "ui", "type", "flags", "labels", "cover",
        "base_frame", "base_worker", "passive",
    ]

    /// Fields shown first, in this order, by `inspect --json`.
    static let summaryFieldOrder = [
        "name", "type", "version", "api_version", "description", "tags", "tag", "flags", "ui", "inputs",
        "outputs", "env", "requirements", "dependencies", "cmd", "runnable", "lang",
    ]
}
