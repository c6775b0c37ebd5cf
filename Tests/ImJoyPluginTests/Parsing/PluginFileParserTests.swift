import Testing

@testable import ImJoyPlugin

@Suite struct PluginFileParserTests {
    @Test func splitsTopLevelBlocksByKind() {
        let blocks = PluginFileParser.parseBlocks(
            """
            <docs>hello</docs>
            <config lang="json">{"name": "A"}</config>
            <script lang="python">print(1)</script>
            <window><div>w</div></window>
            <style>.a{}</style>
            <attachment name="x">data</attachment>
            <link rel="stylesheet" href="a.css"></link>
            <custom>other</custom>
            """)
        #expect(blocks.docs.map(\.content) == ["hello"])
        #expect(blocks.config.map(\.content) == ["{\"name\": \"A\"}"])
        #expect(blocks.script.map(\.content) == ["print(1)"])
        #expect(blocks.window.map(\.content) == ["<div>w</div>"])
        #expect(blocks.style.map(\.content) == [".a{}"])
        #expect(blocks.attachment.first?.attribute("name") == "x")
        #expect(blocks.link.count == 1)
        #expect(blocks.others.map(\.type) == ["custom"])
    }

    @Test func blockNamesAreCaseSensitive() {
        let blocks = PluginFileParser.parseBlocks("<Config>{}</Config><SCRIPT>x</SCRIPT>")
        #expect(blocks.config.isEmpty)
        #expect(blocks.script.isEmpty)
        #expect(blocks.others.map(\.type) == ["Config", "SCRIPT"])
    }

    @Test func scriptEndsAtTheFirstClosingScriptTagEvenInsideAString() {
        let blocks = PluginFileParser.parseBlocks("<script>var s=\"</script>\"; more()</script>")
        #expect(blocks.script.map(\.content) == ["var s=\""])
    }

    @Test func closingScriptTagIsCaseInsensitiveAndMayCarryAttributes() {
        let blocks = PluginFileParser.parseBlocks("<script>a < b && c</SCRIPT foo>\n<config>{}</config>")
        #expect(blocks.script.map(\.content) == ["a < b && c"])
        #expect(blocks.config.map(\.content) == ["{}"])
    }

    @Test func nestedTagsInWindowStayInItsContentIncludingScripts() {
        let window = "<div><script>if (a</b) x()</script><p>text</div>"
        let blocks = PluginFileParser.parseBlocks("<window lang=\"html\">\(window)</window><script>run()</script>")
        #expect(blocks.window.map(\.content) == [window])
        #expect(blocks.script.map(\.content) == ["run()"])
    }

    @Test func unaryLookingTagsInsideConfigAreKept() {
        let blocks = PluginFileParser.parseBlocks("<config>{\"ui\": \"a <br> b <img src=x>\"}</config>")
        #expect(blocks.config.first?.content == "{\"ui\": \"a <br> b <img src=x>\"}")
    }

    @Test func topLevelCommentsAreSkipped() {
        let blocks = PluginFileParser.parseBlocks(
            """
            <!-- <config>{"name": "old"}</config> -->
            <config>{"name": "new"}</config>
            """)
        #expect(blocks.config.map(\.content) == ["{\"name\": \"new\"}"])
    }

    @Test func unterminatedCommentStopsParsingWithAWarning() {
        let blocks = PluginFileParser.parseBlocks("<config>{}</config><!-- <script>x</script>")
        #expect(blocks.config.count == 1)
        #expect(blocks.script.isEmpty)
        #expect(blocks.warnings.count == 1)
    }

    @Test func valuelessAndEmptyAttributesAreTrue() {
        let block = PluginFileParser.parseBlocks("<script async lang=\"\" type='module' data-x=1>x</script>").script[0]
        #expect(block.attributes["async"] == .flag)
        #expect(block.attributes["lang"] == .flag)
        #expect(block.attributes["type"] == .string("module"))
        #expect(block.attributes["data-x"] == .string("1"))
        #expect(Array(block.attributes.keys) == ["async", "lang", "type", "data-x"])
    }

    @Test func attributeEntitiesAreDecoded() {
        let block = PluginFileParser.parseBlocks("<attachment name=\"a&amp;b &lt;c&gt;\">x</attachment>").attachment[0]
        #expect(block.attribute("name") == "a&b <c>")
    }

    @Test func severalBlocksOfAKindAreKeptInOrder() {
        let blocks = PluginFileParser.parseBlocks("<script>1</script><config>{}</config><script tag=\"A\">2</script>")
        #expect(blocks.script.map(\.content) == ["1", "2"])
        #expect(blocks.script[1].attribute("tag") == "A")
    }

    @Test func unclosedBlockRunsToTheEndOfTheFile() {
        let blocks = PluginFileParser.parseBlocks("<config>{\"name\": 1}\n")
        #expect(blocks.config.first?.content == "{\"name\": 1}\n")
    }

    @Test func unclosedScriptHasEmptyContentAndAWarning() {
        let blocks = PluginFileParser.parseBlocks("<config>{}</config><script>never closed")
        #expect(blocks.script.map(\.content) == [""])
        #expect(!blocks.warnings.isEmpty)
    }

    @Test func recordsLinesOfBlocks() {
        let blocks = PluginFileParser.parseBlocks("\n\n<config\n  lang=\"json\">\n{}\n</config>")
        #expect(blocks.config.first?.line == 3)
        #expect(blocks.config.first?.contentLine == 4)
    }

    @Test func textOutsideBlocksAndStrayMarkupAreIgnored() {
        let blocks = PluginFileParser.parseBlocks("intro a < b </p> <br/> <config>{}</config> trailing")
        #expect(blocks.config.map(\.content) == ["{}"])
    }

    @Test(arguments: [
        "", "<", "<<<>>>", "</config>", "<config", "<config lang=\"json", "<!---->", "<![CDATA[", "<!DOCTYPE html>",
        "<script", "<a b='c", "\u{0}\u{1}<config>\u{FFFF}", "<config><config></config>", "<x:y></x:y>",
        String(repeating: "<div>", count: 10_000),
    ])
    func neverTrapsOnMalformedInput(_ text: String) {
        _ = PluginFileParser.parseBlocks(text)
    }
}
