import Foundation

/// `email`, `hostname`, `ipv4` and `ipv6`.
enum NetworkFormats {
    /// RFC 5321 mailbox: a dot-atom or quoted local part, `@`, a hostname or an address literal.
    static func isEmail(_ text: String) -> Bool {
        guard let at = text.lastIndex(of: "@") else { return false }
        let local = text[..<at]
        let domain = String(text[text.index(after: at)...])
        guard isLocalPart(local) else { return false }
        if domain.hasPrefix("[") && domain.hasSuffix("]") {
            let literal = domain.dropFirst().dropLast()
            if literal.hasPrefix("IPv6:") { return isIPv6(String(literal.dropFirst(5))) }
            return isIPv4(String(literal))
        }
        return isHostname(domain)
    }

    private static func isLocalPart(_ local: Substring) -> Bool {
        guard !local.isEmpty, local.utf8.count <= 64 else { return false }
        if local.hasPrefix("\"") && local.hasSuffix("\"") && local.count >= 2 {
            return local.dropFirst().dropLast().unicodeScalars.allSatisfy { $0.value >= 0x20 && $0.value < 0x7F }
        }
        let atext = Set("!#$%&'*+-/=?^_`{|}~".unicodeScalars)
        let atoms = local.split(separator: ".", omittingEmptySubsequences: false)
        return atoms.allSatisfy { atom in
            !atom.isEmpty
                && atom.unicodeScalars.allSatisfy { $0.isASCII && (isAlphanumeric($0) || atext.contains($0)) }
        }
    }

    /// RFC 1123 host name: dot-separated labels of letters, digits and inner hyphens.
    static func isHostname(_ text: String) -> Bool {
        let name = Substring(text)
        guard !name.isEmpty, name.utf8.count <= 253 else { return false }
        return name.split(separator: ".", omittingEmptySubsequences: false).allSatisfy(isLabel)
    }

    private static func isLabel(_ label: Substring) -> Bool {
        let scalars = Array(label.unicodeScalars)
        guard !scalars.isEmpty, scalars.count <= 63, scalars.first != "-", scalars.last != "-" else { return false }
        guard scalars.allSatisfy({ $0.isASCII && (isAlphanumeric($0) || $0 == "-") }) else { return false }
        // "--" in positions 3-4 is reserved for IDNA ("xn--").
        if scalars.count >= 4, scalars[2] == "-", scalars[3] == "-" {
            return label.lowercased().hasPrefix("xn--")
        }
        return true
    }

    /// Dotted quad, decimal without leading zeros, ASCII digits only.
    static func isIPv4(_ text: String) -> Bool {
        let parts = text.split(separator: ".", omittingEmptySubsequences: false)
        guard parts.count == 4 else { return false }
        return parts.allSatisfy { part in
            guard (1...3).contains(part.utf8.count), part.utf8.allSatisfy(DateTimeFormats.isDigit),
                part == "0" || !part.hasPrefix("0"), let value = Int(part)
            else { return false }
            return value <= 255
        }
    }

    /// RFC 4291 text form: eight groups, one `::` elision, optional trailing IPv4; no zone.
    static func isIPv6(_ text: String) -> Bool {
        guard !text.isEmpty, text.unicodeScalars.allSatisfy(\.isASCII) else { return false }
        var groupsText = Substring(text)
        var trailingGroups = 0
        if let lastColon = text.lastIndex(of: ":"), text[text.index(after: lastColon)...].contains(".") {
            guard isIPv4(String(text[text.index(after: lastColon)...])) else { return false }
            groupsText = text[...lastColon]
            if groupsText.hasSuffix(":") && !groupsText.hasSuffix("::") { groupsText = groupsText.dropLast() }
            trailingGroups = 2
        }
        let halves = groupsText.components(separatedBy: "::")
        guard halves.count <= 2 else { return false }
        func groups(_ half: String) -> Int? {
            if half.isEmpty { return 0 }
            let parts = half.split(separator: ":", omittingEmptySubsequences: false)
            for part in parts {
                guard (1...4).contains(part.count), part.allSatisfy(\.isHexDigit) else { return nil }
            }
            return parts.count
        }
        guard let first = groups(halves[0]) else { return false }
        if halves.count == 2 {
            guard let second = groups(halves[1]) else { return false }
            return first + second + trailingGroups <= 7
        }
        return first + trailingGroups == 8
    }

    static func isAlphanumeric(_ scalar: Unicode.Scalar) -> Bool {
        ("a"..."z").contains(scalar) || ("A"..."Z").contains(scalar) || ("0"..."9").contains(scalar)
    }
}
