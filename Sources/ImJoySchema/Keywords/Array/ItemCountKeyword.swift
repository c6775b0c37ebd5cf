/// `minItems` and `maxItems`.
struct ItemCountKeyword: Keyword {
    let isMinimum: Bool
    let limit: Int
    let schemaPath: String

    func validate(_ instance: JSONValue, _ context: inout ValidationContext) -> Bool {
        guard case .array(let array) = instance else { return true }
        if isMinimum ? array.count >= limit : array.count <= limit { return true }
        context.report(
            isMinimum ? "minItems" : "maxItems", at: schemaPath,
            "expected \(isMinimum ? "at least" : "at most") \(limit) items, got \(array.count)")
        return false
    }
}
