/// A named string format checked by the `format` keyword.
///
/// Known formats: `date-time`, `date`, `time` (RFC 3339), `email`, `hostname`, `ipv4`, `ipv6`,
/// `uri`, `uri-reference`, `iri`, `iri-reference` (RFC 3986/3987), `json-pointer`,
/// `relative-json-pointer`, `regex`. Other names (`idn-email`, `uri-template`, ...) are not
/// checked, as the specification allows.
struct StringFormat: Sendable {
    let name: String
    let matches: @Sendable (String) -> Bool

    /// The format named `name`, or `nil` when imjoy-run does not check it.
    static func named(_ name: String) -> StringFormat? {
        guard let check = checkers[name] else { return nil }
        return StringFormat(name: name, matches: check)
    }

    private static let checkers: [String: @Sendable (String) -> Bool] = [
        "date-time": DateTimeFormats.isDateTime,
        "date": DateTimeFormats.isDate,
        "time": DateTimeFormats.isTime,
        "email": NetworkFormats.isEmail,
        "hostname": NetworkFormats.isHostname,
        "ipv4": NetworkFormats.isIPv4,
        "ipv6": NetworkFormats.isIPv6,
        "uri": { URIFormats.isURI($0, allowsRelative: false, allowsNonASCII: false) },
        "uri-reference": { URIFormats.isURI($0, allowsRelative: true, allowsNonASCII: false) },
        "iri": { URIFormats.isURI($0, allowsRelative: false, allowsNonASCII: true) },
        "iri-reference": { URIFormats.isURI($0, allowsRelative: true, allowsNonASCII: true) },
        "json-pointer": URIFormats.isJSONPointer,
        "relative-json-pointer": URIFormats.isRelativeJSONPointer,
        "regex": { (try? ECMARegex($0)) != nil },
    ]
}
