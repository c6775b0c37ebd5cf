import Foundation
import ImJoySchema
import TestSupport
import Testing

/// Plugin output and api messages in the run's events and the plugin's log (real Python,
/// through the built binary; the fixture is `plugins/python/Chatty.imjoy.html`).
@Suite(.enabled(if: TestConditions.pythonWithNumpy, "needs python3 with numpy, tifffile, h5py and scipy")) struct PluginOutputTests {
    /// Runs Chatty's op `talk` over `inputs` with `--events`; returns the run and its events.
    static func runChatty(_ inputs: [String], _ extra: [String] = []) throws -> (URL, CommandResult, [JSONValue]) {
        let list = inputs.map { "\"\($0)\"" }.joined(separator: ", ")
        let directory = try PythonHostTests.folder(
            """
            {"name": "chat", "plugins": {"c": "\(PythonHostTests.plugin("Chatty"))"}, "inputs": {"what": [\(list)]},
             "ops": [{"id": "talk", "plugin": "c"}]}
            """)
        let result = try PythonHostTests.run(directory, ["--events", "events.jsonl"] + extra)
        let text = try String(contentsOf: directory.appendingPathComponent("events.jsonl"), encoding: .utf8)
        let events = try text.split(separator: "\n").map { try JSONValue(jsonText: String($0)) }
        return (directory, result, events)
    }

    static func log(_ directory: URL) throws -> String {
        try String(contentsOf: directory.appendingPathComponent("out/.imjoy-run/plugins/Chatty/plugin.log"), encoding: .utf8)
    }

    /// The item key of each item index, from the `task` events.
    static func itemKeys(_ events: [JSONValue]) -> [Int: String] {
        var keys: [Int: String] = [:]
        for event in events where event["event"] == "task" {
            if let index = event["item_index"]?.intValue, let key = event["item"]?.stringValue { keys[index] = key }
        }
        return keys
    }

    @Test func outputAndAPIMessagesReachTheEventsAndTheLogWithTheirCall() throws {
        let (directory, result, events) = try Self.runChatty(["a", "b"])
        defer { try? FileManager.default.removeItem(at: directory) }
        #expect(result.status == 0, "\(result.standardError)")
        let keys = Self.itemKeys(events)
        let log = try Self.log(directory)
        for (index, what) in ["a", "b"].enumerated() {
            let key = try #require(keys[index])
            let mine = events.filter { $0["item_index"]?.intValue == index && $0["event"] != "task" }
            #expect(mine.allSatisfy { $0["plugin"] == "Chatty" && $0["op"] == "talk" && $0["item"] == .string(key) }, "\(mine)")
            func position(_ kind: String, _ label: String, _ text: String) -> Int? {
                let field = kind == "plugin_output" ? "stream" : "fn"
                let found = mine.indices.filter {
                    mine[$0]["event"] == .string(kind) && mine[$0][field] == .string(label) && mine[$0]["text"] == .string(text)
                }
                #expect(found.count == 1, "\(kind) \(label) '\(text)' of item \(index): \(mine)")
                return found.first
            }
            // Through sys.stdout / sys.stderr and the api: in the order the plugin wrote them.
            let ordered = [
                position("plugin_output", "stdout", "print \(what)"), position("plugin_output", "stderr", "eprint \(what)"),
                position("plugin_message", "log", "log \(what)"), position("plugin_output", "stdout", "after log \(what)"),
                position("plugin_message", "showProgress", "50"), position("plugin_message", "showStatus", "status \(what)"),
                position("plugin_output", "stdout", "thread \(what)"), position("plugin_output", "stdout", "no newline \(what)"),
                position("plugin_message", "alert", "alert \(what)"), position("plugin_output", "stdout", "unfinished \(what)"),
            ]
            #expect(ordered.compactMap { $0 } == ordered.compactMap { $0 }.sorted(), "\(mine)")
            // Around sys.stdout: file descriptors, a subprocess.
            _ = position("plugin_output", "stderr", "oswrite2 \(what)")
            _ = position("plugin_output", "stdout", "oswrite1 \(what)")
            _ = position("plugin_output", "stdout", "buffer \(what)")
            _ = position("plugin_output", "stdout", "subprocess \(what)")
            _ = position("plugin_output", "stderr", "subprocess-err \(what)")
            let progress = mine.first { $0["fn"] == "showProgress" }
            #expect(progress?["args"] == [50])

            for line in [
                "[stdout] print \(what)", "[stderr] oswrite2 \(what)", "[stdout] subprocess \(what)", "[log] log \(what)",
                "[showProgress] 50", "[alert] alert \(what)",
            ] {
                #expect(log.contains("\(key)/talk \(line)\n"), "\(line) in \(log)")
            }
            #expect(result.standardError.contains("imjoy-run: Chatty (\(key)/talk) alert: alert \(what)"), "\(result.standardError)")
        }
        // Written while the plugin loads: no op, no item.
        let loading = events.filter { $0["text"] == "loading Chatty" || $0["text"] == "setup done" }
        #expect(loading.count == 2)
        #expect(loading.allSatisfy { $0["op"] == .null && $0["item"] == .null && $0["item_index"] == .null })
        #expect(log.contains("[stdout] loading Chatty\n") && log.contains("[log] setup done\n"))
        // The event stream on stdout (not a terminal here) carries them too.
        let streamed = result.standardOutput.split(separator: "\n").compactMap { try? JSONValue(jsonText: String($0)) }
        #expect(streamed.filter { $0["event"] == "plugin_output" }.count == events.filter { $0["event"] == "plugin_output" }.count)
    }

    @Test func tenThousandLinesEachWayArriveInOrderAndTheRunGoesOn() throws {
        let (directory, result, events) = try Self.runChatty(["flood", "a"], ["--jobs", "1"])
        defer { try? FileManager.default.removeItem(at: directory) }
        #expect(result.status == 0, "\(result.standardError)")
        let flood = events.filter { $0["event"] == "plugin_output" && $0["item_index"] == 0 }
        let printed = flood.filter { $0["stream"] == "stdout" }.compactMap { $0["text"]?.stringValue }
        let written = flood.filter { $0["stream"] == "stderr" }.compactMap { $0["text"]?.stringValue }
        #expect(printed == (0..<10000).map { "flood line \($0)" })
        #expect(written == (0..<10000).map { "raw line \($0)" })
        let log = try Self.log(directory)
        #expect(log.contains("[stdout] flood line 9999\n") && log.contains("[stderr] raw line 9999\n"))
        #expect(events.contains { $0["item_index"] == 1 && $0["text"] == "print a" })
    }

    @Test func whatACrashedProcessWroteLastIsKept() throws {
        let (directory, result, events) = try Self.runChatty(["crash", "a"])
        defer { try? FileManager.default.removeItem(at: directory) }
        #expect(result.status == 1)
        let key = try #require(Self.itemKeys(events)[0])
        let failed = events.first { $0["event"] == "task" && $0["item_index"] == 0 }
        #expect(failed?["status"] == "failed")
        for (stream, text) in [("stdout", "before the crash"), ("stderr", "last words on fd 2")] {
            #expect(
                events.contains {
                    $0["event"] == "plugin_output" && $0["stream"] == .string(stream) && $0["text"] == .string(text)
                        && $0["item"] == .string(key) && $0["op"] == "talk"
                }, "\(text)")
            #expect(try Self.log(directory).contains("\(key)/talk [\(stream)] \(text)\n"))
        }
        #expect(events.contains { $0["item_index"] == 1 && $0["text"] == "print a" }, "the next item runs in a new process")
    }
}
