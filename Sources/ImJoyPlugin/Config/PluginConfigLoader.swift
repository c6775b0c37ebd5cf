import ImJoySchema

/// Turns the `<config>` block of a parsed file into a ``PluginConfig``, step by step as
/// imjoy-core's `parsePluginCode` does: language, required fields, tag, tag-configurable fields,
/// legacy upgrade, defaults.
struct PluginConfigLoader {
    let file: String
    let blocks: PluginBlocks
    private(set) var warnings: [String] = []
    private var configBlock: PluginBlock?

    init(file: String, blocks: PluginBlocks) {
        self.file = file
        self.blocks = blocks
    }

    mutating func load(requestedTag: String?) throws(PluginError) -> PluginConfig {
        guard let block = blocks.config.first else { throw .missingConfig(PluginLocation(file: file)) }
        configBlock = block
        var fields = try parseConfigText(block)
        try checkRequiredFields(fields, block: block)
        let apiVersion = fields["api_version"]!.stringValue!

        let tags = try stringList(fields["tags"], field: "tags") ?? []
        let tag = try activeTag(requested: requestedTag, declared: tags)
        if let tag { fields["tag"] = .string(tag) }
        try resolveTagConfigurableFields(&fields, tag: tag)
        upgradeLegacyFields(&fields, apiVersion: apiVersion, tag: tag)
        return try makeConfig(fields, apiVersion: apiVersion, tags: tags, tag: tag)
    }

    // MARK: Steps

    private func parseConfigText(_ block: PluginBlock) throws(PluginError) -> JSONObject {
        let location = PluginLocation(file: file, line: block.line)
        let value: JSONValue
        switch block.attributes["lang"]?.string {
        case "yaml":
            do {
                value = try JSONValue(yamlText: block.content)
            } catch {
                throw .invalidConfigSyntax(location, language: "YAML", detail: error.message)
            }
        case "json", nil:
            do {
                value = try JSONValue(jsonText: block.content)
            } catch {
                let line = block.contentLine + error.line - 1
                throw .invalidConfigSyntax(
                    PluginLocation(file: file, line: line), language: "JSON",
                    detail: "\(error.message) (column \(error.column))")
            }
            if block.attributes["lang"] == nil, let version = value["api_version"]?.stringValue,
                APIVersion.compare(version, "0.1.5") > 0
            {
                throw .missingConfigLanguage(location, apiVersion: version)
            }
        case let other?:
            throw .unsupportedConfigLanguage(location, language: other)
        }
        guard case .object(let fields) = value else {
            throw .invalidConfigSyntax(location, language: "config", detail: "expected an object, got \(value.typeName)")
        }
        return fields
    }

    private func checkRequiredFields(_ fields: JSONObject, block: PluginBlock) throws(PluginError) {
        guard let name = fields["name"] else { throw .missingField(location(field: "name")) }
        guard let nameText = name.stringValue else {
            throw .invalidField(location(field: "name"), reason: "must be a string, not \(name.typeName)")
        }
        if nameText.contains("/") {
            throw .invalidField(location(field: "name"), reason: "Plugin name should not contain '/'")
        }
        if nameText.trimmingSpaces().isEmpty {
            throw .invalidField(location(field: "name"), reason: "must not be empty")
        }
        guard let apiVersion = fields["api_version"] else { throw .missingField(location(field: "api_version")) }
        guard apiVersion.stringValue != nil else {
            let isYAML = block.attributes["lang"]?.string == "yaml"
            let quoted = isYAML ? "api_version: \"\(apiVersion.serialized())\"" : "\"api_version\": \"\(apiVersion.serialized())\""
            let hint = apiVersion.isNumber ? " (write it as a string: \(quoted))" : ""
            throw .invalidField(
                location(field: "api_version"), reason: "must be a string, not \(apiVersion.typeName)\(hint)")
        }
    }

    private func activeTag(requested: String?, declared: [String]) throws(PluginError) -> String? {
        guard let requested else { return declared.first }
        guard declared.contains(requested) else {
            throw .unknownTag(location(field: "tags"), requested: requested, declared: declared)
        }
        return requested
    }

    /// A dict-valued configurable field is replaced by its entry for the active tag.
    private mutating func resolveTagConfigurableFields(_ fields: inout JSONObject, tag: String?) throws(PluginError) {
        for field in PluginConfig.tagConfigurableFields {
            guard case .object(let byTag) = fields[field] else { continue }
            guard let tag else {
                throw .invalidField(
                    location(field: field),
                    reason: "holds a per-tag dictionary but the plugin declares no tags (You must use 'tags' with configurable fields)")
            }
            if let value = byTag[tag] {
                fields[field] = value
            } else {
                fields.removeValue(forKey: field)
                warnings.append(
                    "\(location(field: field)): no entry for tag '\(tag)' (has \(byTag.keys.map { "'\($0)'" }.joined(separator: ", "))); the field is left unset, as in ImJoy"
                )
            }
        }
    }

    /// api_version <= 0.1.1: `mode` becomes `type` (pyworker → native-python, …).
    private mutating func upgradeLegacyFields(_ fields: inout JSONObject, apiVersion: String, tag: String?) {
        guard APIVersion.compare(apiVersion, "0.1.1") <= 0 else { return }
        var mode = fields["type"] ?? fields["mode"]
        if case .object(let byTag) = mode {
            mode = tag.flatMap { byTag[$0] }
            if mode == nil { warnings.append("\(location(field: "mode")): no entry for tag '\(tag ?? "")'") }
        }
        let modeName = mode?.stringValue ?? "webworker"
        fields.removeValue(forKey: "mode")
        fields["type"] = .string(PluginType.upgradingLegacyMode(modeName))
    }

    private mutating func makeConfig(
        _ fields: JSONObject, apiVersion: String, tags: [String], tag: String?
    ) throws(PluginError) -> PluginConfig {
        var fields = fields
        let type: PluginType
        switch fields["type"] {
        case .string(let name): type = PluginType(rawValue: name)
        case nil, .null:
            type = .webWorker
            warnings.append("\(location(field: "type")): no type given; assuming web-worker")
        case let other?:
            throw .invalidField(location(field: "type"), reason: "must be a string, not \(other.typeName)")
        }
        let requirements = try parseRequirements(fields["requirements"], type: type)
        if fields["requirements"] == nil { fields["requirements"] = [] }
        if fields["runnable"] == nil { fields["runnable"] = true }
        let parameters: [UIParameter]
        do {
            parameters = try UIString.parameters(of: fields["ui"] ?? .null)
        } catch {
            throw .invalidUI(location(field: "ui"), widget: error.widget.isEmpty ? "ui" : error.widget, reason: error.reason)
        }
        return PluginConfig(
            fields: fields,
            name: fields["name"]!.stringValue!,
            type: type,
            version: try optionalString(fields["version"], field: "version", allowNumber: true),
            apiVersion: apiVersion,
            description: try optionalString(fields["description"], field: "description"),
            tags: tags,
            tag: tag,
            flags: PluginFlags(try stringList(fields["flags"], field: "flags") ?? []),
            parameters: parameters,
            inputs: nonNull(fields["inputs"]),
            outputs: nonNull(fields["outputs"]),
            requirements: requirements,
            environment: try parseEnvironment(fields["env"]),
            command: try optionalString(fields["cmd"], field: "cmd") ?? "python",
            dependencies: (try stringList(fields["dependencies"], field: "dependencies") ?? []).map(PluginDependency.init),
            defaults: fields["defaults"]?.objectValue,
            runnable: fields["runnable"]?.boolValue ?? true,
            lang: fields["lang"]?.stringValue ?? "javascript")
    }

    // MARK: Field parsers

    private func parseRequirements(_ value: JSONValue?, type: PluginType) throws(PluginError) -> [Requirement] {
        let texts = try stringList(value, field: "requirements") ?? []
        var requirements: [Requirement] = []
        for (i, text) in texts.enumerated() {
            if type.isPython {
                do {
                    requirements.append(try Requirement.python(text))
                } catch {
                    throw .invalidField(location(field: "requirements[\(i)]"), reason: error.description)
                }
            } else {
                requirements.append(Requirement.web(text))
            }
        }
        return requirements
    }

    private func parseEnvironment(_ value: JSONValue?) throws(PluginError) -> [EnvironmentEntry] {
        switch value {
        case nil, .null?: return []
        case .array(let entries)?:
            var parsed: [EnvironmentEntry] = []
            for (i, entry) in entries.enumerated() {
                parsed.append(try EnvironmentEntry.parse(entry, at: location(field: "env[\(i)]")))
            }
            return parsed
        case let single?:
            return [try EnvironmentEntry.parse(single, at: location(field: "env"))]
        }
    }

    /// A string or a list of strings (a single string counts as a one-element list).
    private func stringList(_ value: JSONValue?, field: String) throws(PluginError) -> [String]? {
        switch value {
        case nil, .null?: return nil
        case .string(let text)?: return [text]
        case .array(let items)?:
            var strings: [String] = []
            for (i, item) in items.enumerated() {
                guard let text = item.stringValue else {
                    throw .invalidField(location(field: "\(field)[\(i)]"), reason: "must be a string, not \(item.typeName)")
                }
                strings.append(text)
            }
            return strings
        case let other?:
            throw .invalidField(location(field: field), reason: "must be a string or a list of strings, not \(other.typeName)")
        }
    }

    private func optionalString(_ value: JSONValue?, field: String, allowNumber: Bool = false) throws(PluginError) -> String? {
        switch value {
        case nil, .null?: return nil
        case .string(let text)?: return text
        case let number? where allowNumber && number.isNumber: return number.serialized()
        case let other?: throw .invalidField(location(field: field), reason: "must be a string, not \(other.typeName)")
        }
    }

    private func nonNull(_ value: JSONValue?) -> JSONValue? {
        if let value, !value.isNull { return value }
        return nil
    }

    // MARK: Locations

    /// The location of `field`: the config block's line, refined to the line where the key is
    /// written when it can be found in the block's text.
    private func location(field: String) -> PluginLocation {
        guard let block = configBlock ?? blocks.config.first else { return PluginLocation(file: file, field: field) }
        let key = String(field.prefix { $0 != "[" && $0 != "." })
        var line = block.line
        for (offset, text) in block.content.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            let trimmed = text.drop { $0 == " " || $0 == "\t" }
            if trimmed.hasPrefix("\"\(key)\"") || trimmed.hasPrefix("\(key):") || trimmed.hasPrefix("'\(key)'") {
                line = block.contentLine + offset
                break
            }
        }
        return PluginLocation(file: file, line: line, field: field)
    }
}
