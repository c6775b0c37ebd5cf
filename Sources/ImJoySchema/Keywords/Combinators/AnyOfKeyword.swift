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
