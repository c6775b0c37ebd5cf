import Foundation
import ImJoySchema
import TestSupport
import Testing

@testable import ImJoyPlugin

/// Plugin files under the input limits of issue #19.
@Suite struct PluginInputLimitsTests {
    @Test(.timeLimit(.minutes(1)))
    func yamlAliasBombInTheConfigIsRefusedNamingTheFile() {
        var yaml = "name: Bomb\ntype: web-worker\napi_version: 0.1.8\nx0: &x0 [lol]\n"
        for level in 1...9 {
            yaml += "x\(level): &x\(level) [\(Array(repeating: "*x\(level - 1)", count: 10).joined(separator: ", "))]\n"
        }
        let text = "<config lang=\"yaml\">\n\(yaml)</config>\n<script>api.export({run() {}})</script>\n"
        let error = #expect(throws: PluginError.self) { try Plugin(text: text, file: "Bomb.imjoy.html") }
        #expect(
            error?.description.hasPrefix(
                "Bomb.imjoy.html:1: the <config> block is not valid YAML: the document expands to more than 1000000 values") == true)
    }

    @Test func duplicateKeysInAJSONConfigStayLastWinsAsInTheBrowser() throws {
        let plugin = try Plugin(
            text: """
                <config lang="json">{"name": "A", "name": "B", "type": "web-worker", "api_version": "0.1.8"}</config>
                <script>api.export({run() {}})</script>
                """)
        #expect(plugin.config.name == "B")
    }

    @Test(.timeLimit(.minutes(1)))
    func aFIFOPluginFileIsRefusedWithoutBlocking() throws {
        let folder = try TemporaryDirectory("plugin-limits")
        let fifo = folder.appending("P.imjoy.html").path
        try #require(mkfifo(fifo, 0o600) == 0)
        let error = #expect(throws: PluginError.self) { try Plugin(contentsOf: fifo) }
        #expect(error?.description.contains("FIFO (named pipe), not a regular file") == true)
    }
}
