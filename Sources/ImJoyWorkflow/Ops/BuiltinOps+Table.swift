import ImJoySchema

extension BuiltinOps {
    /// The parameter table of docs/builtin-ops.md, made from the declarations (a test checks
    /// the docs hold exactly this text; `imjoy-run ops --markdown` prints it).
    public static var markdownTable: String {
        var lines = ["| op | parameter | kind | default | values |", "|---|---|---|---|---|"]
        for declaration in declarations {
            guard !declaration.parameters.isEmpty else {
                lines.append("| `\(declaration.name)` | — | | | |")
                continue
            }
            for parameter in declaration.parameters {
                let (kind, values) = describe(parameter.kind)
                let fallback = parameter.defaultValue.map { "`\($0.stringValue ?? $0.serialized())`" } ?? "see below"
                lines.append("| `\(declaration.name)` | `\(parameter.id)` | \(kind) | \(fallback) | \(values) |")
            }
        }
        return lines.joined(separator: "\n")
    }

    private static func describe(_ kind: BuiltinParameter.Kind) -> (String, String) {
        func range(_ range: ClosedRange<Double>?) -> String {
            guard let range else { return "any" }
            return "\(BuiltinParameter.number(range.lowerBound).serialized())–\(BuiltinParameter.number(range.upperBound).serialized())"
        }
        switch kind {
        case .number(_, let limits, let integer): return (integer ? "integer" : "number", range(limits))
        case .numbers(_, let limits): return ("number or list", range(limits))
        case .choice(let options, _): return ("choice", options.map { "`\($0)`" }.joined(separator: ", "))
        case .yesNo: return ("yes/no", "`yes`, `no`")
        case .string: return ("text", "")
        }
    }
}
