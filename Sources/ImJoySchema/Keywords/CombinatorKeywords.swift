/// `$ref`: the instance matches the referenced schema.
struct RefKeyword: Keyword {
    /// The target; owned by the ``JSONSchema`` (references may form cycles).
    unowned(unsafe) let target: SchemaNode

    func validate(_ instance: JSONValue, _ context: inout ValidationContext) -> Bool {
        target.validate(instance, &context)
    }
}

/// `allOf`: the instance matches every schema.
struct AllOfKeyword: Keyword {
    let schemas: [SchemaNode]

    func validate(_ instance: JSONValue, _ context: inout ValidationContext) -> Bool {
        var isValid = true
        for schema in schemas where !schema.validate(instance, &context) {
            isValid = false
            if !context.isCollecting || context.isFull { return false }
        }
        return isValid
    }
}

/// `anyOf`: the instance matches at least one schema.
struct AnyOfKeyword: Keyword {
    let schemas: [SchemaNode]
    let schemaPath: String

    func validate(_ instance: JSONValue, _ context: inout ValidationContext) -> Bool {
        var probe = context.probe()
        if schemas.contains(where: { $0.validate(instance, &probe) }) { return true }
        if context.isCollecting {
            var branch = context.branch()
            for schema in schemas { _ = schema.validate(instance, &branch) }
            context.append(contentsOf: branch.errors)
            context.report("anyOf", at: schemaPath, "expected a value matching at least one of the anyOf schemas")
        }
        return false
    }
}

/// `oneOf`: the instance matches exactly one schema.
struct OneOfKeyword: Keyword {
    let schemas: [SchemaNode]
    let schemaPath: String

    func validate(_ instance: JSONValue, _ context: inout ValidationContext) -> Bool {
        var probe = context.probe()
        var matching: [Int] = []
        for (index, schema) in schemas.enumerated() where schema.validate(instance, &probe) {
            matching.append(index)
            if matching.count > 1 { break }
        }
        if matching.count == 1 { return true }
        guard context.isCollecting else { return false }
        if matching.isEmpty {
            var branch = context.branch()
            for schema in schemas { _ = schema.validate(instance, &branch) }
            context.append(contentsOf: branch.errors)
            context.report("oneOf", at: schemaPath, "expected a value matching exactly one of the oneOf schemas, it matches none")
        } else {
            context.report("oneOf", at: schemaPath,
                           "expected a value matching exactly one of the oneOf schemas, it matches #\(matching[0]) and #\(matching[1])")
        }
        return false
    }
}

/// `not`: the instance does not match the schema.
struct NotKeyword: Keyword {
    let schema: SchemaNode
    let schemaPath: String

    func validate(_ instance: JSONValue, _ context: inout ValidationContext) -> Bool {
        var probe = context.probe()
        if !schema.validate(instance, &probe) { return true }
        context.report("not", at: schemaPath, "expected a value not matching the \"not\" schema")
        return false
    }
}

/// `if`/`then`/`else`.
struct IfThenElseKeyword: Keyword {
    let condition: SchemaNode
    let then: SchemaNode?
    let otherwise: SchemaNode?

    func validate(_ instance: JSONValue, _ context: inout ValidationContext) -> Bool {
        var probe = context.probe()
        let branch = condition.validate(instance, &probe) ? then : otherwise
        return branch?.validate(instance, &context) ?? true
    }
}
