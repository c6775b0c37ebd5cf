/// How ``JSONValue/serialized(_:)`` writes JSON text.
public struct JSONFormatting: OptionSet, Sendable {
    public let rawValue: Int
    public init(rawValue: Int) { self.rawValue = rawValue }

    /// Object keys sorted by their UTF-8 bytes; with stable number formatting this gives one
    /// text per value, fit for hashing.
    public static let sortedKeys = JSONFormatting(rawValue: 1 << 0)
    /// Indented with two spaces, one member per line.
    public static let prettyPrinted = JSONFormatting(rawValue: 1 << 1)

    /// The canonical form: compact with sorted keys.
    public static let canonical: JSONFormatting = [.sortedKeys]
}

extension JSONValue {
    /// JSON text for this value.
    ///
    /// Numbers are stable: integers in decimal, floating-point numbers in Swift's shortest
    /// round-tripping form (`0.1`, `1e-05`, `2.0`); non-finite numbers become `null`.
    /// ``bytes(_:)`` become base64 strings.
    public func serialized(_ formatting: JSONFormatting = []) -> String {
        var out = ""
        out.reserveCapacity(64)
        write(to: &out, formatting: formatting, indent: 0)
        return out
    }

    /// The canonical JSON text: sorted keys, compact.
    public var canonicalText: String { serialized(.canonical) }

    private func write(to out: inout String, formatting: JSONFormatting, indent: Int) {
        switch self {
        case .null: out += "null"
        case .bool(let b): out += b ? "true" : "false"
        case .integer(let i): out += String(i)
        case .number(let d): out += d.isFinite ? d.description : "null"
        case .string(let s): JSONValue.writeString(s, to: &out)
        case .bytes(let b): JSONValue.writeString(b.base64EncodedString(), to: &out)
        case .array(let array):
            if array.isEmpty {
                out += "[]"
                return
            }
            out += "["
            for (i, element) in array.enumerated() {
                if i > 0 { out += "," }
                newline(&out, formatting, indent + 1)
                element.write(to: &out, formatting: formatting, indent: indent + 1)
            }
            newline(&out, formatting, indent)
            out += "]"
        case .object(let object):
            if object.isEmpty {
                out += "{}"
                return
            }
            out += "{"
            let keys =
                formatting.contains(.sortedKeys)
                ? object.keys.sorted { $0.utf8.lexicographicallyPrecedes($1.utf8) }
                : Array(object.keys)
            for (i, key) in keys.enumerated() {
                if i > 0 { out += "," }
                newline(&out, formatting, indent + 1)
                JSONValue.writeString(key, to: &out)
                out += formatting.contains(.prettyPrinted) ? ": " : ":"
                object[key]!.write(to: &out, formatting: formatting, indent: indent + 1)
            }
            newline(&out, formatting, indent)
            out += "}"
        }
    }

    private func newline(_ out: inout String, _ formatting: JSONFormatting, _ indent: Int) {
        guard formatting.contains(.prettyPrinted) else { return }
        out += "\n"
        out += String(repeating: "  ", count: indent)
    }

    /// Appends `string` as a JSON string literal.
    static func writeString(_ string: String, to out: inout String) {
        out += "\""
        var needsEscape = false
        for byte in string.utf8 where byte < 0x20 || byte == 0x22 || byte == 0x5C {
            needsEscape = true
            break
        }
        if !needsEscape {
            out += string
            out += "\""
            return
        }
        for scalar in string.unicodeScalars {
            switch scalar {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            case "\u{08}": out += "\\b"
            case "\u{0C}": out += "\\f"
            default:
                if scalar.value < 0x20 {
                    let hex = String(scalar.value, radix: 16)
                    out += "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
                } else {
                    out.unicodeScalars.append(scalar)
                }
            }
        }
        out += "\""
    }
}
