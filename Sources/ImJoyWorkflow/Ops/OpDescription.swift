import ImJoyPlugin
import ImJoySchema

/// What a workflow needs to know about an op before running it: its parameters (from its `ui`),
/// its data schemas and whether it is pure.
public struct OpDescription: Sendable {
    /// The op's name (`gaussian`, `Segment`, `MorphologyTools/Dilate`).
    public var name: String
    /// One line on what it does.
    public var summary: String
    /// The config parameters its `ui` declares; a workflow's `config` is checked against them.
    public var parameters: [UIParameter]
    /// The schema `ctx.data` must satisfy (already normalised), or `nil`.
    public var inputs: JSONValue?
    /// The schema its result must satisfy, or `nil`.
    public var outputs: JSONValue?
    /// Whether calls are pure (the `functional` flag; every built-in op is).
    public var isFunctional: Bool
    /// Whether the parameters are known (ops registered at run time with `api.register` may not be).
    public var parametersAreKnown: Bool
    /// Whether `inputs`/`outputs` follow ImJoy's plugin convention (a bare properties map is
    /// wrapped as an object schema with every key required) rather than being complete schemas.
    public var schemasAreImJoyStyle: Bool

    public init(
        name: String, summary: String, parameters: [UIParameter], inputs: JSONValue?, outputs: JSONValue?,
        isFunctional: Bool, parametersAreKnown: Bool = true, schemasAreImJoyStyle: Bool = false
    ) {
        self.name = name
        self.summary = summary
        self.parameters = parameters
        self.inputs = inputs
        self.outputs = outputs
        self.isFunctional = isFunctional
        self.parametersAreKnown = parametersAreKnown
        self.schemasAreImJoyStyle = schemasAreImJoyStyle
    }

    /// The description of a plugin's own op (`run`): parameters from its `ui`, its schemas, its flag.
    public init(plugin: Plugin) {
        self.init(
            name: plugin.config.name, summary: plugin.config.description ?? "", parameters: plugin.config.parameters,
            inputs: plugin.config.inputs, outputs: plugin.config.outputs, isFunctional: plugin.config.flags.isFunctional,
            schemasAreImJoyStyle: true)
    }

    /// The description of `opName`, an op `plugin` registers with `api.register`: its parameters
    /// from the `ui` literal of the call (unknown without one); `nil` when the plugin's source
    /// shows no such registration.
    /// - Throws: the `ui` string's parse error.
    public init?(plugin: Plugin, registeredOp opName: String) throws(PluginError) {
        guard let registered = plugin.registeredOps.first(where: { $0.name == opName }) else { return nil }
        var parameters: [UIParameter] = []
        if let ui = registered.ui {
            parameters = try UIParameter.parse(ui: .string(ui), at: PluginLocation(file: plugin.file, field: "api.register(\(opName)).ui"))
        }
        self.init(
            name: "\(plugin.config.name)/\(opName)", summary: "", parameters: parameters, inputs: nil, outputs: nil,
            isFunctional: plugin.config.flags.isFunctional, parametersAreKnown: registered.ui != nil)
    }

    /// The merged config of one call: the parameters' defaults, then `given` over them.
    public func mergedConfig(_ given: JSONObject) -> JSONObject {
        var config = JSONObject()
        for parameter in parameters {
            if let value = parameter.defaultValue { config[parameter.id] = value }
        }
        for (key, value) in given { config[key] = value }
        return config
    }

    /// Checks `given` against the parameters: known keys only, numbers within their bounds,
    /// `choose` values among the options, strings for string widgets.
    /// - Returns: One message per problem, each with its key (`sigma: 80 is above the maximum 50`).
    public func configProblems(_ given: JSONObject) -> [(key: String, message: String)] {
        guard parametersAreKnown else { return [] }
        var problems: [(String, String)] = []
        for (key, value) in given {
            guard let parameter = parameters.first(where: { $0.id == key }) else {
                let known = parameters.map(\.id)
                problems.append(
                    (
                        key,
                        "unknown config key '\(key)'"
                            + (known.isEmpty ? "; the op takes no config" : "; the op takes \(known.joined(separator: ", "))")
                    ))
                continue
            }
            if let problem = parameter.problem(with: value) { problems.append((key, problem)) }
        }
        return problems
    }
}

extension UIParameter {
    /// Why `value` does not fit this parameter, or `nil`.
    func problem(with value: JSONValue) -> String? {
        switch type {
        case .number:
            guard let number = value.doubleValue else { return "expected a number, got \(value.typeName) \(value.serialized())" }
            if let minimum, number < minimum { return "\(value.serialized()) is below the minimum \(JSONValue.number(minimum).shortText)" }
            if let maximum, number > maximum { return "\(value.serialized()) is above the maximum \(JSONValue.number(maximum).shortText)" }
            return nil
        case .choose:
            let choices = options.map { $0["value"] ?? $0 }
            guard choices.isEmpty || choices.contains(value) else {
                return "\(value.serialized()) is not one of \(JSONValue.array(choices).serialized())"
            }
            return nil
        case .string, .color, .save, .variableName:
            return value.stringValue == nil ? "expected a string, got \(value.typeName)" : nil
        default:
            return nil
        }
    }
}

extension JSONValue {
    /// A number without a trailing `.0` when whole (for messages).
    var shortText: String {
        if let int = intValue, doubleValue == Double(int) { return String(int) }
        return serialized()
    }
}
