/// `properties`: each named member that is present matches its schema.
struct PropertiesKeyword: Keyword {
    let properties: [(name: String, schema: SchemaNode)]

    func validate(_ instance: JSONValue, _ context: inout ValidationContext) -> Bool {
        guard case .object(let object) = instance else { return true }
        var isValid = true
        for (name, schema) in properties {
            guard let value = object[name] else { continue }
            if !context.validate(value, at: .key(name), with: schema) {
                isValid = false
                if !context.isCollecting || context.isFull { return false }
            }
        }
        return isValid
    }
}

/// `patternProperties` and `additionalProperties` together, since the latter depends on which
/// members `properties` and `patternProperties` cover.
struct PatternAndAdditionalPropertiesKeyword: Keyword {
    let patternProperties: [(regex: ECMARegex, schema: SchemaNode)]
    /// The member names `properties` declares (for `additionalProperties`).
    let declaredNames: Set<String>
    let additionalProperties: SchemaNode?

    func validate(_ instance: JSONValue, _ context: inout ValidationContext) -> Bool {
        guard case .object(let object) = instance else { return true }
        var isValid = true
        for (name, value) in object {
            var isMatched = declaredNames.contains(name)
            for (regex, schema) in patternProperties where regex.search(name) {
                isMatched = true
                if !context.validate(value, at: .key(name), with: schema) {
                    isValid = false
                    if !context.isCollecting || context.isFull { return false }
                }
            }
            guard !isMatched, let additionalProperties else { continue }
            if !context.validate(value, at: .key(name), with: additionalProperties) {
                isValid = false
                if !context.isCollecting || context.isFull { return false }
            }
        }
        return isValid
    }
}

/// `required`: the named members are present.
struct RequiredKeyword: Keyword {
    let names: [String]
    let schemaPath: String

    func validate(_ instance: JSONValue, _ context: inout ValidationContext) -> Bool {
        guard case .object(let object) = instance else { return true }
        var isValid = true
        for name in names where object[name] == nil {
            isValid = false
            context.report("required", at: schemaPath, "missing required property \"\(name)\"")
            if !context.isCollecting || context.isFull { return false }
        }
        return isValid
    }
}

/// `dependencies`: when a member is present, other members are too (array form) or the whole
/// object matches a schema (schema form).
struct DependenciesKeyword: Keyword {
    enum Dependency: Sendable {
        case properties([String])
        case schema(SchemaNode)
    }

    let dependencies: [(name: String, dependency: Dependency)]
    let schemaPath: String

    func validate(_ instance: JSONValue, _ context: inout ValidationContext) -> Bool {
        guard case .object(let object) = instance else { return true }
        var isValid = true
        for (name, dependency) in dependencies where object[name] != nil {
            let passes: Bool
            switch dependency {
            case .properties(let names):
                let missing = names.filter { object[$0] == nil }
                passes = missing.isEmpty
                if !passes {
                    context.report("dependencies", at: schemaPath,
                                   "property \"\(name)\" requires \(missing.map { "\"\($0)\"" }.joined(separator: ", "))")
                }
            case .schema(let schema):
                passes = schema.validate(instance, &context)
            }
            if !passes {
                isValid = false
                if !context.isCollecting || context.isFull { return false }
            }
        }
        return isValid
    }
}

/// `propertyNames`: every member name matches the schema.
struct PropertyNamesKeyword: Keyword {
    let schema: SchemaNode
    let schemaPath: String

    func validate(_ instance: JSONValue, _ context: inout ValidationContext) -> Bool {
        guard case .object(let object) = instance else { return true }
        var probe = context.probe()
        for name in object.keys where !schema.validate(.string(name), &probe) {
            context.report("propertyNames", at: schemaPath, "property name \"\(name)\" does not match the propertyNames schema")
            return false
        }
        return true
    }
}

/// `minProperties` and `maxProperties`.
struct PropertyCountKeyword: Keyword {
    let isMinimum: Bool
    let limit: Int
    let schemaPath: String

    func validate(_ instance: JSONValue, _ context: inout ValidationContext) -> Bool {
        guard case .object(let object) = instance else { return true }
        if isMinimum ? object.count >= limit : object.count <= limit { return true }
        context.report(isMinimum ? "minProperties" : "maxProperties", at: schemaPath,
                       "expected \(isMinimum ? "at least" : "at most") \(limit) properties, got \(object.count)")
        return false
    }
}
