import ImJoySchema
import Testing

/// `pattern` follows ECMA-262 where ICU differs (see ECMARegex).
@Suite("pattern: ECMA-262 semantics")
struct ECMARegexTests {
    func matches(_ pattern: String, _ text: String) throws -> Bool {
        try JSONSchema(["pattern": .string(pattern)]).isValid(.string(text))
    }

    @Test func searchIsUnanchored() throws {
        #expect(try matches("b", "abc"))
        #expect(try !matches("^b", "abc"))
    }

    @Test func dollarMatchesOnlyAtTheEnd() throws {
        #expect(try matches("^abc$", "abc"))
        #expect(try !matches("^abc$", "abc\n"))
    }

    @Test func digitAndWordClassesAreASCII() throws {
        #expect(try !matches("^\\d$", "\u{0967}"))  // DEVANAGARI DIGIT ONE
        #expect(try matches("^\\d+$", "0123"))
        #expect(try !matches("^\\w$", "é"))
        #expect(try matches("^[\\w-]+$", "a_b-c"))
        #expect(try matches("^\\D$", "\u{0967}"))
    }

    @Test func bracketsAndAmpersandsAreLiteralInsideClasses() throws {
        #expect(try matches("^[[a]+$", "[a["))
        #expect(try matches("^[a&&b]+$", "&"))
    }

    @Test func emptyClasses() throws {
        #expect(try !matches("[]", "a"))
        #expect(try matches("^[^]$", "\n"))
    }

    @Test func bracesOutsideQuantifiersAreLiteral() throws {
        #expect(try matches("^a{$", "a{"))
        #expect(try matches("^{}$", "{}"))
        #expect(try matches("^a{2}$", "aa"))
        #expect(try matches("^a{1,2}b$", "aab"))
        #expect(try !matches("^a{2}$", "a{2}"))
        #expect(try matches("^\\p{Letter}+$", "école"))
        #expect(try matches("^\\u{1F600}$", "😀"))
    }

    @Test func codePointsNotUTF16Units() throws {
        #expect(try matches("^🐲*$", "🐲🐲"))
        #expect(try matches("^.$", "🐲"))
    }

    @Test(arguments: ["(?i)a", "(?#comment)a", "\\a", "\\z", "(abc", "a{2,1}"])
    func nonECMASyntaxIsAnInvalidSchema(pattern: String) {
        #expect(throws: SchemaError.self) { try JSONSchema(["pattern": .string(pattern)]) }
    }
}
