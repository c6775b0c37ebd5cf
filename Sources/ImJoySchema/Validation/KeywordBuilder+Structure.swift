// Array, object and combinator keywords.
extension KeywordBuilder {
    // MARK: - Arrays

    mutating func addArrayKeywords() throws(SchemaError) {
        switch object["items"] {
        case .array(let schemas)?:
            guard !schemas.isEmpty else { throw invalid("items", "must be a schema or a non-empty array of schemas") }
            var nodes: [SchemaNode] = []
            for (index, schema) in schemas.enumerated() {
                nodes.append(try subschema(schema, at: location.appending("items").appending(index)))
            }
            add(TupleItemsKeyword(items: nodes, additionalItems: try subschema("additionalItems")))
        case .some:
            if let items = try subschema("items") { add(ItemsKeyword(items: items)) }
            _ = try subschema("additionalItems")  // checked, but ignored without a tuple
        case nil:
            _ = try subschema("additionalItems")
        }
        if let contains = try subschema("contains") {
            add(ContainsKeyword(schema: contains, schemaPath: path("contains")))
        }
        if let limit = try nonNegativeInteger("minItems") {
            add(ItemCountKeyword(isMinimum: true, limit: limit, schemaPath: path("minItems")))
        }
        if let limit = try nonNegativeInteger("maxItems") {
            add(ItemCountKeyword(isMinimum: false, limit: limit, schemaPath: path("maxItems")))
        }
        if let value = object["uniqueItems"] {
            guard case .bool(let isUnique) = value else { throw invalid("uniqueItems", "must be a boolean") }
            if isUnique { add(UniqueItemsKeyword(schemaPath: path("uniqueItems"))) }
        }
    }

    // MARK: - Objects

    mutating func addObjectKeywords() throws(SchemaError) {
        let properties = try schemaMap("properties")
        if !properties.isEmpty {
            add(PropertiesKeyword(properties: properties.map { ($0.name, $0.schema) }))
        }
        var patterns: [(regex: ECMARegex, schema: SchemaNode)] = []
        for (name, schema) in try schemaMap("patternProperties") {
            patterns.append((try regex(name, keyword: "patternProperties"), schema))
        }
        let additional = try subschema("additionalProperties")
        if !patterns.isEmpty || additional != nil {
            add(
                PatternAndAdditionalPropertiesKeyword(
                    patternProperties: patterns, declaredNames: Set(properties.map(\.name)), additionalProperties: additional))
        }
        try addRequired()
        try addDependencies()
        if let names = try subschema("propertyNames") {
            add(PropertyNamesKeyword(schema: names, schemaPath: path("propertyNames")))
        }
        if let limit = try nonNegativeInteger("minProperties") {
            add(PropertyCountKeyword(isMinimum: true, limit: limit, schemaPath: path("minProperties")))
        }
        if let limit = try nonNegativeInteger("maxProperties") {
            add(PropertyCountKeyword(isMinimum: false, limit: limit, schemaPath: path("maxProperties")))
        }
    }

    private func schemaMap(_ keyword: String) throws(SchemaError) -> [(name: String, schema: SchemaNode)] {
        guard let value = object[keyword] else { return [] }
        guard case .object(let members) = value else { throw invalid(keyword, "must be an object of schemas") }
        var result: [(name: String, schema: SchemaNode)] = []
        for (name, schema) in members {
            result.append((name, try subschema(schema, at: location.appending(keyword).appending(name))))
        }
        return result
    }

    private mutating func addRequired() throws(SchemaError) {
        if case .bool? = object["required"] {
            throw invalid(
                "required", "must be an array of property names",
                hint: "\"required\": true inside a property is Draft-03 style; list the property in its parent's \"required\" array")
        }
        if let names = try stringList("required", unique: true), !names.isEmpty {
            add(RequiredKeyword(names: names, schemaPath: path("required")))
        }
    }

    private mutating func addDependencies() throws(SchemaError) {
        guard let value = object["dependencies"] else { return }
        guard case .object(let members) = value else { throw invalid("dependencies", "must be an object") }
        var dependencies: [(name: String, dependency: DependenciesKeyword.Dependency)] = []
        for (name, member) in members {
            if case .array(let items) = member {
                var names: [String] = []
                for item in items {
                    guard case .string(let name) = item else {
                        throw invalid("dependencies", "must list property names as strings")
                    }
                    names.append(name)
                }
                dependencies.append((name, .properties(names)))
            } else {
                let schema = try subschema(member, at: location.appending("dependencies").appending(name))
                dependencies.append((name, .schema(schema)))
            }
        }
        if !dependencies.isEmpty {
            add(DependenciesKeyword(dependencies: dependencies, schemaPath: path("dependencies")))
        }
    }

    // MARK: - Combinators

    private func schemaList(_ keyword: String) throws(SchemaError) -> [SchemaNode]? {
        guard let value = object[keyword] else { return nil }
        guard case .array(let schemas) = value, !schemas.isEmpty else {
            throw invalid(keyword, "must be a non-empty array of schemas")
        }
        var nodes: [SchemaNode] = []
        for (index, schema) in schemas.enumerated() {
            nodes.append(try subschema(schema, at: location.appending(keyword).appending(index)))
        }
        return nodes
    }

    mutating func addCombinators() throws(SchemaError) {
        if let schemas = try schemaList("allOf") { add(AllOfKeyword(schemas: schemas)) }
        if let schemas = try schemaList("anyOf") { add(AnyOfKeyword(schemas: schemas, schemaPath: path("anyOf"))) }
        if let schemas = try schemaList("oneOf") { add(OneOfKeyword(schemas: schemas, schemaPath: path("oneOf"))) }
        if let schema = try subschema("not") { add(NotKeyword(schema: schema, schemaPath: path("not"))) }
        let then = try subschema("then")
        let otherwise = try subschema("else")
        if let condition = try subschema("if"), then != nil || otherwise != nil {
            add(IfThenElseKeyword(condition: condition, then: then, otherwise: otherwise))
        }
    }
}
