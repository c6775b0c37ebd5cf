import Foundation
import ImJoyPlugin
import ImJoySchema
import TestSupport
import Testing

@testable import ImJoyEngine

/// The Node.js host's `globals` request (check-functional's view of a web-worker plugin's
/// state), against real Node.js.
@Suite struct JavaScriptGlobalsTests {
    static let script = """
        var counter = 0;                    // a property of globalThis
        let big = new Uint8Array(100);      // a global lexical binding, not on globalThis
        const label = 'fixed';
        self.extra = { list: [1, 2] };
        function helper() {}
        class Thing {}
        api.export({
          seen: [],
          run(ctx) {
            counter += 1;
            big[99] = ctx.data;             // past what the short text shows: only the bytes tell
            this.seen.push(ctx.data);
            return counter;
          },
        });
        """

    /// Starts `Globals.imjoy.html` (requiring the fixture library tiny-stats.js) in `directory`.
    static func start(in directory: URL) throws -> PluginProcess {
        let library = Fixtures.url("plugins/javascript/tiny-stats.js")
        try FileManager.default.copyItem(at: library, to: directory.appendingPathComponent("tiny-stats.js"))
        let file = directory.appendingPathComponent("Globals.imjoy.html").path
        try """
        <config lang="json">{"name": "Globals", "type": "web-worker", "api_version": "0.1.8", "requirements": ["tiny-stats.js"]}</config>
        <script lang="javascript">
        \(script)
        </script>
        """.write(toFile: file, atomically: true, encoding: .utf8)
        let plugin = try Plugin(contentsOf: file)
        let launch = try PluginHosts.launch(for: plugin, options: PluginHostOptions(stateDirectory: directory.path))
        return try launch.start(plugin, workDirectory: directory.path, emit: { _ in })
    }

    @Test func thePluginsOwnGlobalsAndExportedFieldsAreFingerprinted() throws {
        let directory = try Fixtures.temporaryDirectory("imjoy-run-js-globals")
        defer { try? FileManager.default.removeItem(at: directory) }
        let process = try Self.start(in: directory)
        defer { process.stop(grace: 0) }
        let before = try process.globalsFingerprint()
        // Functions, classes, the host's globals and the requirement's (TinyStats) are left out;
        // the process environment comes as `env:NAME` entries (check-functional compares them).
        #expect(Set(before.keys.filter { !$0.hasPrefix("env:") }) == ["counter", "big", "label", "extra", "this.seen"], "\(before)")
        #expect(before["env:PATH"] != nil, "\(before)")
        #expect(before["counter"]?[1] == "0" && before["label"]?[1] == "'fixed'", "\(before)")
        #expect(before["this.seen"]?[1] == "[]")

        let value = try process.call(
            op: nil, method: nil, arguments: [["data": 7]], config: [:], outputDirectory: directory.path,
            origin: PluginEvent.Origin(op: "Globals", item: "x", itemIndex: 0),
            api: { _, _ in .null }, onWindow: { _ in })
        #expect(value == 1)
        let after = try process.globalsFingerprint()
        #expect(after["counter"]?[1] == "1")
        #expect(after["this.seen"]?[1] == "[ 7 ]")
        // One byte changed beyond the printed elements: same text, another digest.
        #expect(after["big"]?[1] == before["big"]?[1])
        #expect(after["big"]?[0] != before["big"]?[0])
        #expect(after["label"] == before["label"] && after["extra"] == before["extra"])
    }
}
