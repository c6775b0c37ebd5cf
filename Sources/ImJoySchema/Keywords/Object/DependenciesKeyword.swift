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
                    context.report(
                        "dependencies", at: schemaPath,
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
