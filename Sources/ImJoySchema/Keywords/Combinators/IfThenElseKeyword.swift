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
