/// `multipleOf`: the instance divided by the value is an integer.
struct MultipleOfKeyword: Keyword {
    let divisor: JSONValue
    let schemaPath: String

    func validate(_ instance: JSONValue, _ context: inout ValidationContext) -> Bool {
        guard instance.isNumber else { return true }
        if MultipleOfKeyword.isMultiple(instance, of: divisor) { return true }
        context.report("multipleOf", at: schemaPath, "expected a multiple of \(divisor), got \(instance)")
        return false
    }

    static func isMultiple(_ value: JSONValue, of divisor: JSONValue) -> Bool {
        if case .integer(let x) = value, case .integer(let m) = divisor, m > 0 {
            return x % m == 0
        }
        guard let x = value.doubleValue, let m = divisor.doubleValue, m > 0 else { return false }
        let quotient = x / m
        guard quotient.isFinite else { return x.truncatingRemainder(dividingBy: m) == 0 }
        return abs(quotient - quotient.rounded()) <= 1e-9 * max(1, abs(quotient))
    }
}
