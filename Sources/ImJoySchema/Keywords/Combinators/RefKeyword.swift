/// `$ref`: the instance matches the referenced schema.
struct RefKeyword: Keyword {
    /// The target; owned by the ``JSONSchema`` (references may form cycles).
    unowned(unsafe) let target: SchemaNode

    func validate(_ instance: JSONValue, _ context: inout ValidationContext) -> Bool {
        target.validate(instance, &context)
    }
}
