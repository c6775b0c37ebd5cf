/// `minimum`, `maximum`, `exclusiveMinimum`, `exclusiveMaximum`.
struct NumericBoundKeyword: Keyword {
    enum Kind: String, Sendable {
        case minimum, maximum, exclusiveMinimum, exclusiveMaximum
    }

    let kind: Kind
    let limit: JSONValue
    let schemaPath: String

    func validate(_ instance: JSONValue, _ context: inout ValidationContext) -> Bool {
        guard let order = NumericBoundKeyword.compare(instance, limit) else { return true }
        let isValid =
            switch kind {
            case .minimum: order >= 0
            case .maximum: order <= 0
            case .exclusiveMinimum: order > 0
            case .exclusiveMaximum: order < 0
            }
        if isValid { return true }
        context.report(kind.rawValue, at: schemaPath, "expected a number \(relation) \(limit), got \(instance)")
        return false
    }

    private var relation: String {
        switch kind {
        case .minimum: ">="
        case .maximum: "<="
        case .exclusiveMinimum: ">"
        case .exclusiveMaximum: "<"
        }
    }

    /// -1, 0 or 1 comparing two numbers (exactly when both are integers); `nil` for non-numbers.
    static func compare(_ a: JSONValue, _ b: JSONValue) -> Int? {
        switch (a, b) {
        case (.integer(let x), .integer(let y)): return x < y ? -1 : (x == y ? 0 : 1)
        default:
            guard let x = a.doubleValue, let y = b.doubleValue else { return nil }
            return x < y ? -1 : (x == y ? 0 : 1)
        }
    }
}
