import Foundation
import ImJoySchema
import ImJoyWorkflow

/// Typed access to a built-in op's config, by its declaration (``BuiltinOpDeclaration``): each
/// read takes the parameter's default and limits from there, so the kernel and the catalog
/// cannot disagree. Config values arrive merged with the defaults by the planner; the
/// declaration's defaults cover direct calls.
struct BuiltinConfig {
    let declaration: BuiltinOpDeclaration
    let values: JSONObject

    private var op: String { declaration.name }

    private func invalid(_ key: String, _ reason: String) -> BuiltinOpError {
        .invalidConfig(op: op, parameter: key, reason: reason)
    }

    /// The declared parameter `key` (a missing one is a programming error in the kernel).
    private func parameter(_ key: String) -> BuiltinParameter {
        guard let parameter = declaration.parameter(key) else { preconditionFailure("\(op) declares no parameter '\(key)'") }
        return parameter
    }

    /// A string parameter.
    func string(_ key: String) -> String {
        guard case .string(let fallback) = parameter(key).kind else { preconditionFailure("\(op).\(key) is not a string") }
        switch values[key] {
        case .string(let text)?: return text
        case nil, .null?: return fallback
        case let other?: return other.serialized()
        }
    }

    /// A number parameter; `nil` when neither given nor defaulted.
    func optionalNumber(_ key: String) throws -> Double? {
        guard case .number(let fallback, let range, let integer) = parameter(key).kind else {
            preconditionFailure("\(op).\(key) is not a number")
        }
        guard let value = try parse(key, values[key]) ?? fallback else { return nil }
        try check(key, value, range: range)
        if integer, value.rounded() != value { throw invalid(key, "expected an integer, got \(value)") }
        return value
    }

    /// A number parameter with a default.
    func number(_ key: String) throws -> Double {
        guard let value = try optionalNumber(key) else { preconditionFailure("\(op).\(key) has no default") }
        return value
    }

    /// An integer parameter with a default.
    func integer(_ key: String) throws -> Int { Int(try number(key)) }

    /// An integer parameter; `nil` when neither given nor defaulted.
    func optionalInteger(_ key: String) throws -> Int? { try optionalNumber(key).map { Int($0) } }

    /// A number or a list of numbers (one per axis).
    func numbers(_ key: String) throws -> [Double] {
        guard case .numbers(let fallback, let range) = parameter(key).kind else { preconditionFailure("\(op).\(key) is not numbers") }
        guard let list = values[key]?.arrayValue else {
            let value = try parse(key, values[key]) ?? fallback
            try check(key, value, range: range)
            return [value]
        }
        guard !list.isEmpty else { throw invalid(key, "expected a number or a non-empty list of numbers") }
        return try list.map { item in
            guard let value = item.doubleValue, value.isFinite, range.contains(value) else {
                throw invalid(key, "\(item) is not a number in \(range.lowerBound)...\(range.upperBound)")
            }
            return value
        }
    }

    /// One of the declared options.
    func choice(_ key: String) throws -> String {
        guard case .choice(let options, let fallback) = parameter(key).kind else { preconditionFailure("\(op).\(key) is not a choice") }
        let value: String
        switch values[key] {
        case .string(let text)?: value = text
        case nil, .null?: value = fallback
        case let other?: value = other.serialized()
        }
        guard options.contains(value) else { throw invalid(key, "'\(value)' is not one of \(options.joined(separator: ", "))") }
        return value
    }

    /// `yes`/`no` (also JSON booleans and `true`/`false`).
    func yesNo(_ key: String) throws -> Bool {
        guard case .yesNo(let fallback) = parameter(key).kind else { preconditionFailure("\(op).\(key) is not yes/no") }
        switch values[key] {
        case nil, .null?: return fallback
        case .bool(let flag)?: return flag
        case .string(let text)?:
            switch text.lowercased() {
            case "yes", "true", "1": return true
            case "no", "false", "0": return false
            default: throw invalid(key, "expected yes or no, got '\(text)'")
            }
        case let other?: throw invalid(key, "expected yes or no, got \(other.typeName)")
        }
    }

    /// A given number (numeric strings too), or `nil` when absent.
    private func parse(_ key: String, _ value: JSONValue?) throws -> Double? {
        switch value {
        case nil, .null?: return nil
        case .string(let text)?:
            guard let parsed = Double(text.trimmingCharacters(in: .whitespaces)) else {
                throw invalid(key, "expected a number, got '\(text)'")
            }
            return parsed
        case let other?:
            guard let number = other.doubleValue else { throw invalid(key, "expected a number, got \(other.typeName)") }
            return number
        }
    }

    private func check(_ key: String, _ value: Double, range: ClosedRange<Double>?) throws {
        guard value.isFinite else { throw invalid(key, "\(value) is not a finite number") }
        if let range, !range.contains(value) { throw invalid(key, "\(value) is outside \(range.lowerBound)...\(range.upperBound)") }
    }
}
