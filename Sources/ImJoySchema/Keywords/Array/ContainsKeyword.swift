/// `contains`: at least one element matches.
struct ContainsKeyword: Keyword {
    let schema: SchemaNode
    let schemaPath: String

    func validate(_ instance: JSONValue, _ context: inout ValidationContext) -> Bool {
        guard case .array(let array) = instance else { return true }
        var probe = context.probe()
        if array.contains(where: { schema.validate($0, &probe) }) { return true }
        context.report("contains", at: schemaPath, "expected at least one item matching the \"contains\" schema")
        return false
    }
}
