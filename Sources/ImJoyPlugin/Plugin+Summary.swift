import ImJoySchema

extension Plugin {
    /// The plugin as one JSON object for `imjoy-run inspect --json`: the resolved config with
    /// ImJoy's field names (well-known fields first in a fixed order, the rest in document order),
    /// then `scripts`, `attachments`, `docs`, `ops` and `warnings`.
    public var summaryJSON: JSONValue {
        var object = JSONObject()
        for key in PluginConfig.summaryFieldOrder {
            switch key {
            case "type": object[key] = .string(config.type.rawValue)
            case "tags": object[key] = .array(config.tags.map(JSONValue.string))
            case "tag": object[key] = config.tag.map(JSONValue.string) ?? .null
            case "flags": object[key] = .array(config.flags.all.map(JSONValue.string))
            case "cmd": object[key] = .string(config.command)
            case "runnable": object[key] = .bool(config.runnable)
            case "lang": object[key] = .string(config.lang)
            default: if let value = config.fields[key] { object[key] = value }
            }
        }
        for (key, value) in config.fields where object[key] == nil { object[key] = value }
        object["scripts"] = .array(
            scripts.map { script in
                var attributes = JSONObject()
                for (name, value) in script.attributes { attributes[name] = value.string.map(JSONValue.string) ?? .bool(true) }
                return [
                    "lang": .string(script.lang), "tag": script.tag.map(JSONValue.string) ?? .null,
                    "attrs": .object(attributes), "content": .string(script.content),
                ]
            })
        object["attachments"] = .object(JSONObject(uniqueKeysWithValues: attachments.map { ($0.key, JSONValue.string($0.value)) }))
        object["docs"] = docs.map(JSONValue.string) ?? .null
        object["ops"] = .array([runOpSummary] + registeredOps.map(registeredOpSummary))
        object["warnings"] = .array(warnings.map(JSONValue.string))
        return .object(object)
    }

    /// An op found in an `api.register` call; its parameters when its `ui` is a literal.
    private func registeredOpSummary(_ op: RegisteredOp) -> JSONValue {
        let parameters = op.parameters
        return [
            "name": .string(op.name),
            "parameters": parameters.map { .array($0.map(\.jsonValue)) } ?? .null,
            "registered": true,
        ]
    }

    /// The plugin's own op (its `run`) with the parameters its `ui` declares.
    private var runOpSummary: JSONValue {
        [
            "name": .string(config.name),
            "parameters": .array(config.parameters.map(\.jsonValue)),
            "inputs": config.inputs ?? .null,
            "outputs": config.outputs ?? .null,
        ]
    }
}
