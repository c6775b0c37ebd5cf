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
            context.report(
                "oneOf", at: schemaPath,
                "expected a value matching exactly one of the oneOf schemas, it matches #\(matching[0]) and #\(matching[1])")
        }
        return false
    }
}
