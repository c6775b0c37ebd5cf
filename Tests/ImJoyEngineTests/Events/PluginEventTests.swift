import Foundation
import ImJoySchema
import TestSupport
import Testing

@testable import ImJoyEngine

@Suite struct PluginEventTests {
    static let origin = PluginEvent.Origin(op: "seg", item: "img_3", itemIndex: 3)

    @Test func outputLineAsEventAndLogLine() throws {
        let event = PluginEvent(plugin: "P", pid: 7, origin: Self.origin, kind: .output(stream: "stderr", text: "warn"), time: 5)
        #expect(
            event.jsonValue == [
                "event": "plugin_output", "plugin": "P", "pid": 7, "op": "seg", "item": "img_3", "item_index": 3,
                "stream": "stderr", "text": "warn", "time": 5.0,
            ])
        #expect(event.logLine == "img_3/seg [stderr] warn")
    }

    @Test func apiMessageOutsideACall() throws {
        let event = PluginEvent(
            plugin: "P", pid: 7, origin: nil, kind: .message(function: "showProgress", arguments: [50, "of", ["a": 1]]), time: 5)
        #expect(event.jsonValue["event"] == "plugin_message")
        #expect(event.jsonValue["fn"] == "showProgress")
        #expect(event.jsonValue["args"] == [50, "of", ["a": 1]])
        #expect(event.jsonValue["op"] == .null && event.jsonValue["item"] == .null && event.jsonValue["item_index"] == .null)
        #expect(event.logLine == #"[showProgress] 50 of {"a":1}"#)
    }

    @Test func writerInterleavesPluginEventsWithTaskEventsAndTheReportIgnoresThem() throws {
        let file = try Fixtures.temporaryDirectory().appendingPathComponent("events.jsonl")
        _ = FileManager.default.createFile(atPath: file.path, contents: nil)
        let handle = try FileHandle(forWritingTo: file)
        let writer = JSONLinesEventWriter(handle: handle, workflow: "w")
        let observers = RunObservers([writer])
        observers.runStarted(items: 1, tasks: 1, jobs: 2)
        // From several threads at once, as the plugin hosts' readers do.
        DispatchQueue.concurrentPerform(iterations: 200) { index in
            observers.pluginEvents([
                PluginEvent(plugin: "P", pid: 7, origin: Self.origin, kind: .output(stream: "stdout", text: "line \(index)"))
            ])
        }
        observers.taskFinished(
            TaskEvent(itemIndex: 3, itemKey: "img_3", op: "seg", start: 1, end: 2, worker: 0, status: .succeeded, attempts: 1), done: 1,
            total: 1)
        try handle.close()
        let text = try String(contentsOf: file, encoding: .utf8)
        let lines = try text.split(separator: "\n").map { try JSONValue(jsonText: String($0)) }
        #expect(lines.count == 202)
        #expect(Set(lines.compactMap { $0["text"]?.stringValue }) == Set((0..<200).map { "line \($0)" }))
        let report = RunReport(eventsText: text)
        #expect(report.tasks.count == 1 && report.tasks.first?.op == "seg")
    }
}
