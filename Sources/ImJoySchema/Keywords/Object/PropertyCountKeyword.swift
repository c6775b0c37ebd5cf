/// `minProperties` and `maxProperties`.
struct PropertyCountKeyword: Keyword {
    let isMinimum: Bool
    let limit: Int
    let schemaPath: String

    func validate(_ instance: JSONValue, _ context: inout ValidationContext) -> Bool {
        guard case .object(let object) = instance else { return true }
        if isMinimum ? object.count >= limit : object.count <= limit { return true }
        context.report(
            isMinimum ? "minProperties" : "maxProperties", at: schemaPath,
            "expected \(isMinimum ? "at least" : "at most") \(limit) properties, got \(object.count)")
        return false
    }
}
