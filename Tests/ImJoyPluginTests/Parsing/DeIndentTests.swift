import Testing

@testable import ImJoyPlugin

@Suite struct DeIndentTests {
    @Test func removesCommonSpaceIndentKeepingRelativeIndent() {
        #expect(deIndent("\n    def f():\n        return 1\n") == "\ndef f():\n    return 1\n")
    }

    @Test func removesTabIndentOfPython() {
        let source = "\n\tclass A:\n\t\tdef run(self, ctx):\n\t\t\treturn 1\n\n\tapi.export(A())\n"
        #expect(deIndent(source) == "\nclass A:\n\tdef run(self, ctx):\n\t\treturn 1\n\napi.export(A())\n")
    }

    @Test func leavesTextThatDoesNotStartWithWhitespace() {
        #expect(deIndent("x = 1\n    y = 2") == "x = 1\n    y = 2")
    }

    @Test func leavesTextWhoseFirstLineIsNotIndented() {
        #expect(deIndent("\nx = 1\n    y = 2\n") == "\nx = 1\n    y = 2\n")
    }

    @Test func countsOnlyTheFirstLinesIndentCharacter() {
        // The first line is indented with spaces; a tab-indented line counts as indent 0.
        #expect(deIndent("\n  a\n\tb\n") == "\n  a\n\tb\n")
    }

    @Test func normalizesCRLFToLF() {
        #expect(deIndent("\r\n  a\r\n    b\r\n") == "\na\n  b\n")
    }

    @Test func blankLinesShorterThanTheIndentBecomeEmpty() {
        #expect(deIndent("\n    a\n  \n    b") == "\na\n\nb")
    }

    @Test func whitespaceOnlyTextBecomesEmptyLines() {
        #expect(deIndent("\n   \n  ") == "\n\n")
    }
}
