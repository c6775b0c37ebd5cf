/// `uri`, `uri-reference`, `iri`, `iri-reference`, `json-pointer`, `relative-json-pointer`.
enum URIFormats {
    /// RFC 3986 (or, allowing non-ASCII characters, RFC 3987) URI or relative reference.
    static func isURI(_ text: String, allowsRelative: Bool, allowsNonASCII: Bool) -> Bool {
        let reference = URIReference(text)
        if reference.scheme == nil {
            guard allowsRelative else { return false }
            // A relative reference's first segment must not look like a scheme.
            if let colon = reference.path.firstIndex(of: ":"),
                !reference.path[..<colon].contains("/")
            {
                return false
            }
        }
        if let authority = reference.authority, !isAuthority(authority, allowsNonASCII: allowsNonASCII) { return false }
        let allowed = pathCharacters
        guard hasOnly(reference.path, allowed: allowed, allowsNonASCII: allowsNonASCII) else { return false }
        let queryAllowed = allowed.union(["/", "?"])
        if let query = reference.query, !hasOnly(query, allowed: queryAllowed, allowsNonASCII: allowsNonASCII) {
            return false
        }
        if let fragment = reference.fragment, !hasOnly(fragment, allowed: queryAllowed, allowsNonASCII: allowsNonASCII) {
            return false
        }
        return true
    }

    private static let unreserved = Set("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-._~".unicodeScalars)
    private static let subDelimiters = Set("!$&'()*+,;=".unicodeScalars)
    private static let pathCharacters = unreserved.union(subDelimiters).union([":", "@", "/"])

    private static func isAuthority(_ authority: String, allowsNonASCII: Bool) -> Bool {
        var host = Substring(authority)
        if let at = host.lastIndex(of: "@") {
            let userInfo = host[..<at]
            guard hasOnly(userInfo, allowed: unreserved.union(subDelimiters).union([":"]), allowsNonASCII: allowsNonASCII)
            else { return false }
            host = host[host.index(after: at)...]
        }
        if host.hasPrefix("[") {
            guard let close = host.firstIndex(of: "]") else { return false }
            let literal = String(host[host.index(after: host.startIndex)..<close])
            guard NetworkFormats.isIPv6(literal) || literal.lowercased().hasPrefix("v") else { return false }
            host = host[host.index(after: close)...]
            return host.isEmpty
                || (host.hasPrefix(":") && host.dropFirst().allSatisfy(\.isASCII) && host.dropFirst().allSatisfy(\.isNumber))
        }
        if let colon = host.lastIndex(of: ":") {
            let port = host[host.index(after: colon)...]
            guard port.allSatisfy({ $0.isASCII && $0.isNumber }) else { return false }
            host = host[..<colon]
        }
        return hasOnly(host, allowed: unreserved.union(subDelimiters), allowsNonASCII: allowsNonASCII)
    }

    /// Whether every character is allowed or a well-formed `%XX` escape.
    private static func hasOnly(_ text: some StringProtocol, allowed: Set<Unicode.Scalar>, allowsNonASCII: Bool) -> Bool {
        var scalars = text.unicodeScalars.makeIterator()
        while let scalar = scalars.next() {
            if scalar == "%" {
                guard let high = scalars.next(), let low = scalars.next(),
                    high.properties.isASCIIHexDigit, low.properties.isASCIIHexDigit
                else { return false }
                continue
            }
            if allowed.contains(scalar) { continue }
            if allowsNonASCII && !scalar.isASCII && !scalar.properties.isWhitespace { continue }
            return false
        }
        return true
    }

    /// RFC 6901: empty, or `/`-prefixed tokens where `~` is followed by `0` or `1`.
    static func isJSONPointer(_ text: String) -> Bool {
        JSONPointer.tokens(text) != nil
    }

    /// A non-negative integer (no leading zeros) followed by `#` or a JSON pointer.
    static func isRelativeJSONPointer(_ text: String) -> Bool {
        let digits = text.prefix(while: { $0.isASCII && $0.isNumber })
        guard !digits.isEmpty, digits == "0" || !digits.hasPrefix("0") else { return false }
        let rest = text[digits.endIndex...]
        return rest == "#" || isJSONPointer(String(rest))
    }
}
