import Foundation
import ImJoySchema

/// A line of a plugin's output or one of its api messages (`api.log`, `api.showProgress`, …),
/// attributed to the call that produced it.
///
/// In the event stream: `{"event": "plugin_output", "plugin", "pid", "op", "item", "item_index",
/// "stream", "text", "time"}` for output lines and `{"event": "plugin_message", …, "fn", "args",
/// "text"}` for api messages. `op`, `item` and `item_index` are `null` for lines written outside
/// a call (while the plugin loads, or between calls).
public struct PluginEvent: Sendable {
    /// The call a plugin process was serving: the workflow op and the item.
    public struct Origin: Sendable, Equatable {
        public var op: String
        public var item: String
        public var itemIndex: Int

        public init(op: String, item: String, itemIndex: Int) {
            self.op = op
            self.item = item
            self.itemIndex = itemIndex
        }
    }

    public enum Kind: Sendable, Equatable {
        /// A line the process wrote to `stream` (`stdout` or `stderr`), without its line end.
        case output(stream: String, text: String)
        /// An api message: the function (`log`, `showStatus`, …) and its arguments.
        case message(function: String, arguments: [JSONValue])
    }

    /// The plugin's name.
    public var plugin: String
    /// The process that wrote it.
    public var pid: Int32
    /// The call it belongs to; `nil` outside calls.
    public var origin: Origin?
    public var kind: Kind
    /// Seconds since the Unix epoch.
    public var time: Double

    public init(plugin: String, pid: Int32, origin: Origin?, kind: Kind, time: Double = Date().timeIntervalSince1970) {
        self.plugin = plugin
        self.pid = pid
        self.origin = origin
        self.kind = kind
        self.time = time
    }

    /// The text of the line or message (a message's arguments joined by spaces).
    public var text: String {
        switch kind {
        case .output(_, let text): text
        case .message(_, let arguments): arguments.map { $0.stringValue ?? $0.serialized() }.joined(separator: " ")
        }
    }

    /// `[stdout]`, `[stderr]` or the api function, as in the plugin's log.
    public var label: String {
        switch kind {
        case .output(let stream, _): stream
        case .message(let function, _): function
        }
    }

    /// The event as one JSON object (one line of the event stream).
    public var jsonValue: JSONValue {
        var object: JSONObject = [
            "event": "plugin_output", "plugin": .string(plugin), "pid": .integer(Int64(pid)),
            "op": origin.map { .string($0.op) } ?? .null, "item": origin.map { .string($0.item) } ?? .null,
            "item_index": origin.map { .integer(Int64($0.itemIndex)) } ?? .null,
        ]
        switch kind {
        case .output(let stream, let text):
            object["stream"] = .string(stream)
            object["text"] = .string(text)
        case .message(let function, let arguments):
            object["event"] = "plugin_message"
            object["fn"] = .string(function)
            object["args"] = .array(arguments)
            object["text"] = .string(text)
        }
        object["time"] = .number(time)
        return .object(object)
    }

    /// The line in the plugin's log: `ITEM/OP [LABEL] TEXT` (`[LABEL] TEXT` outside calls).
    public var logLine: String {
        let prefix = origin.map { "\($0.item)/\($0.op) " } ?? ""
        return "\(prefix)[\(label)] \(text)"
    }
}
