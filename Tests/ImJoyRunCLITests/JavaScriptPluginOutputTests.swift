import Foundation
import ImJoySchema
import TestSupport
import Testing

/// A web-worker plugin's console output and api messages in the run's events and its log (real
/// Node.js, through the built binary; the fixture is `plugins/javascript/ChattyJS.imjoy.html`).
@Suite(.enabled(if: TestConditions.node && TestConditions.pythonWithNumpy, "needs Node.js and python3 with numpy"))
struct JavaScriptPluginOutputTests {
    @Test func consoleOutputAndAPIMessagesReachTheEventsAndTheLog() throws {
        let directory = try PythonHostTests.folder(
            """
            {"name": "chat", "plugins": {"c": "\(JavaScriptHostTests.plugin("ChattyJS"))"}, "inputs": {"what": ["a", "b"]},
             "ops": [{"id": "talk", "plugin": "c"}]}
            """)
        defer { try? FileManager.default.removeItem(at: directory) }
        let result = try JavaScriptHostTests.run(directory, ["--events", "events.jsonl"])
        #expect(result.status == 0, "\(result.standardError)")
        let text = try String(contentsOf: directory.appendingPathComponent("events.jsonl"), encoding: .utf8)
        let events = try text.split(separator: "\n").map { try JSONValue(jsonText: String($0)) }
        let keys = PluginOutputTests.itemKeys(events)
        let log = try String(contentsOf: directory.appendingPathComponent("out/.imjoy-run/plugins/ChattyJS/plugin.log"), encoding: .utf8)

        for (index, what) in ["a", "b"].enumerated() {
            let key = try #require(keys[index])
            let mine = events.filter { $0["item_index"]?.intValue == index && $0["event"] != "task" }
            #expect(mine.allSatisfy { $0["plugin"] == "ChattyJS" && $0["op"] == "talk" && $0["item"] == .string(key) }, "\(mine)")
            for (kind, field, label, text) in [
                ("plugin_output", "stream", "stdout", "log \(what)"), ("plugin_output", "stream", "stderr", "error \(what)"),
                ("plugin_output", "stream", "stdout", "write \(what)"), ("plugin_message", "fn", "showStatus", "status \(what)"),
                ("plugin_message", "fn", "alert", "alert \(what)"),
            ] {
                let found = mine.filter { $0["event"] == .string(kind) && $0[field] == .string(label) && $0["text"] == .string(text) }
                #expect(found.count == 1, "\(kind) \(label) '\(text)' of item \(index): \(mine)")
            }
            for line in ["[stdout] log \(what)", "[stderr] error \(what)", "[showStatus] status \(what)"] {
                #expect(log.contains("\(key)/talk \(line)\n"), "\(line) in \(log)")
            }
            #expect(result.standardError.contains("alert: alert \(what)"), "\(result.standardError)")
        }
        // Written while the plugin loads: no op, no item.
        let loading = events.filter { $0["text"] == "loading ChattyJS" || $0["text"] == "setup done" }
        #expect(loading.count == 2, "\(events)")
        #expect(loading.allSatisfy { $0["op"] == .null && $0["item"] == .null })
    }
}
