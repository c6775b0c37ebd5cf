import ImJoySchema

/// The widget kinds of ImJoy's `ui` mini-language (Joy.js). Unknown kinds are kept verbatim.
public enum UIWidgetType: Sendable, Hashable, CustomStringConvertible {
    case number
    case choose
    case string
    case color
    case button
    case save
    case variableName
    case ops
    case other(String)

    public init(rawValue: String) {
        switch rawValue {
        case "number": self = .number
        case "choose": self = .choose
        case "string": self = .string
        case "color": self = .color
        case "button": self = .button
        case "save": self = .save
        case "variableName": self = .variableName
        case "ops": self = .ops
        default: self = .other(rawValue)
        }
    }

    public var rawValue: String {
        switch self {
        case .number: "number"
        case .choose: "choose"
        case .string: "string"
        case .color: "color"
        case .button: "button"
        case .save: "save"
        case .variableName: "variableName"
        case .ops: "ops"
        case .other(let name): name
        }
    }

    public var description: String { rawValue }
}

/// One typed parameter declared by a `ui` widget such as
/// `{id:'sigma', type:'number', placeholder: 2, min: 0, max: 10}`.
///
/// It becomes a config field of the op: its default is the widget's placeholder, and a workflow's
/// `config` is checked against its type, bounds and options.
public struct UIParameter: Sendable, Hashable {
    /// The key under which the value appears in `ctx.config` (Joy's `dataID`, defaulting to `id`).
    public var id: String
    /// The widget kind.
    public var type: UIWidgetType
    /// The text written before the widget, without a trailing colon (may be empty).
    public var label: String
    /// The default value: the placeholder, else Joy's default for the kind (number 3, string "???",
    /// choose its first option), else `nil`.
    public var defaultValue: JSONValue?
    /// `min`, `max` and `step` of a number widget.
    public var minimum: Double?
    public var maximum: Double?
    public var step: Double?
    /// The options of a `choose` widget.
    public var options: [JSONValue]
    /// The widget object as parsed, every key included.
    public var attributes: JSONObject

    /// Builds the parameter from a parsed widget object.
    init(widget: JSONObject, label: String) throws(UIParseFailure) {
        let idValue = widget["dataID"] ?? widget["id"]
        guard let id = idValue?.stringValue, !id.isEmpty else {
            throw UIParseFailure(reason: "a widget needs a string 'id'")
        }
        self.id = id
        self.type = UIWidgetType(rawValue: widget["type"]?.stringValue ?? "string")
        self.label = label
        self.minimum = widget["min"]?.doubleValue
        self.maximum = widget["max"]?.doubleValue
        self.step = widget["step"]?.doubleValue
        self.options = widget["options"]?.arrayValue ?? []
        self.attributes = widget
        if let placeholder = widget["placeholder"] {
            defaultValue = placeholder
        } else {
            switch type {
            case .number: defaultValue = 3
            case .string: defaultValue = "???"
            case .choose: defaultValue = options.first
            default: defaultValue = nil
            }
        }
    }

    /// The parameter as JSON for `inspect --json`.
    public var jsonValue: JSONValue {
        var object: JSONObject = ["id": .string(id), "type": .string(type.rawValue)]
        if !label.isEmpty { object["label"] = .string(label) }
        object["default"] = defaultValue ?? .null
        for key in ["min", "max", "step"] {
            if let value = attributes[key], value.isNumber { object[key] = value }
        }
        if !options.isEmpty { object["options"] = .array(options) }
        return .object(object)
    }
}

extension UIParameter {
    /// Parses the widgets of a `ui` value (a string, or a list of strings and `{label: widget}`
    /// objects) into parameters, as ImJoy's Joy.js does.
    /// - Throws: ``PluginError/invalidUI(_:widget:reason:)`` located at `location`.
    public static func parse(ui: JSONValue, at location: PluginLocation) throws(PluginError) -> [UIParameter] {
        do {
            return try UIString.parameters(of: ui)
        } catch {
            throw .invalidUI(location, widget: error.widget.isEmpty ? "ui" : error.widget, reason: error.reason)
        }
    }
}

/// Why a widget could not be parsed (turned into ``PluginError/invalidUI(_:widget:reason:)``).
struct UIParseFailure: Error {
    var widget: String = ""
    var reason: String
}
