import ImJoySchema
import Testing

@Suite("format")
struct StringFormatTests {
    func check(_ format: String, _ text: String) throws -> Bool {
        try JSONSchema(["format": .string(format)]).isValid(.string(text))
    }

    @Test(
        arguments: [
            ("date-time", "1963-06-19T08:30:06.283185Z", true), ("date-time", "1963-06-19T08:30:06+02:00", true),
            ("date-time", "1990-12-31T23:59:60Z", true), ("date-time", "1990-12-31T22:59:60Z", false),
            ("date-time", "1963-06-19 08:30:06Z", false), ("date-time", "2020-13-01T00:00:00Z", false),
            ("date", "2020-02-29", true), ("date", "2021-02-29", false), ("date", "2020-1-01", false),
            ("time", "08:30:06Z", true), ("time", "08:30:06", false), ("time", "24:00:00Z", false),
            ("email", "joe.bloggs@example.com", true), ("email", "joe..bloggs@example.com", false), ("email", "2962", false),
            ("hostname", "www.example.com", true), ("hostname", "-a.com", false), ("hostname", "a_b.com", false),
            ("ipv4", "192.168.0.1", true), ("ipv4", "256.1.1.1", false), ("ipv4", "087.1.1.1", false),
            ("ipv6", "::1", true), ("ipv6", "1:2:3:4:5:6:7:8", true), ("ipv6", "::ffff:1.2.3.4", true),
            ("ipv6", "1:2:3:4:5:6:7:8:9", false), ("ipv6", "1::2::3", false), ("ipv6", "fe80::1%eth0", false),
            ("uri", "http://example.com/a?b=c#d", true), ("uri", "urn:isbn:0451450523", true), ("uri", "//example.com", false),
            ("uri", "http://exa mple.com", false), ("uri-reference", "../a/b", true), ("uri-reference", "#frag\\ment", false),
            ("json-pointer", "/a~0b/c~1d", true), ("json-pointer", "a", false), ("json-pointer", "/a~2", false),
            ("relative-json-pointer", "1/a", true), ("relative-json-pointer", "0#", true), ("relative-json-pointer", "01", false),
            ("regex", "^[a-z]+$", true), ("regex", "^(abc]", false),
            ("unknown-format", "anything", true),
        ] as [(String, String, Bool)])
    func format(name: String, text: String, isValid: Bool) throws {
        #expect(try check(name, text) == isValid)
    }

    @Test func nonStringsIgnoreFormat() throws {
        #expect(try JSONSchema(["format": "email"]).isValid(12))
    }
}
