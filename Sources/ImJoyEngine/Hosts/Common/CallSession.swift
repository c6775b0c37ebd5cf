import Foundation
import ImJoySchema
import Synchronization

/// What one op call shares with the api requests it makes: its scripted answers (consumed in
/// call order) and its windows (the latest data of each, written when the call ends).
final class CallSession: Sendable {
    struct Window {
        var kind: String
        var config: JSONObject
    }

    private struct State {
        var answers: [String: [JSONValue]]
        var used: [String: Int] = [:]
        var windows: [(id: String, window: Window)] = []
    }

    private let state: Mutex<State>
    /// The workflow file's folder: relative answer paths are taken from it.
    let baseDirectory: String

    init(answers: [String: [JSONValue]], baseDirectory: String) {
        state = Mutex(State(answers: answers))
        self.baseDirectory = baseDirectory
    }

    /// The next answer for `function` and its position (1-based), or `nil` and the number of
    /// answers already used when there is none left.
    func nextAnswer(_ function: String) -> (value: JSONValue?, position: Int) {
        state.withLock { state in
            let index = state.used[function, default: 0]
            state.used[function] = index + 1
            let list = state.answers[function] ?? []
            let value: JSONValue? = index < list.count ? list[index] : Optional<JSONValue>.none
            return (value, index + 1)
        }
    }

    /// How many answers `function` has.
    func answerCount(_ function: String) -> Int {
        state.withLock { $0.answers[function]?.count ?? 0 }
    }

    /// Records a window message: `createWindow`/`showDialog` opens window `id`, any other
    /// (`update`) replaces its data with the latest.
    func record(window message: JSONObject) {
        let config = message["window"]?.objectValue ?? [:]
        let kind = message["fn"]?.stringValue ?? "createWindow"
        let id = message["id"]?.stringValue ?? UUID().uuidString
        state.withLock { state in
            if let index = state.windows.firstIndex(where: { $0.id == id }) {
                var window = state.windows[index].window
                if kind == "update" {
                    // A call without data (`win.setImage(None)`, `win.focus()`) keeps what it shows.
                    if let data = config["data"], !data.isNull { window.config["data"] = data }
                    if let method = config["_method"] { window.config["_method"] = method }
                } else {
                    window.config = config
                }
                state.windows[index].window = window
            } else if kind == "update" {
                // A window an earlier call opened (the plugin kept its object): this call shows it.
                var window = config["_config"]?.objectValue ?? [:]
                window["data"] = config["data"] ?? .null
                window["_method"] = config["_method"] ?? .null
                state.windows.append((id, Window(kind: "createWindow", config: window)))
            } else {
                state.windows.append((id, Window(kind: kind, config: config)))
            }
        }
    }

    /// The windows opened by the call, in order, each with its latest data.
    var windows: [(kind: String, config: JSONObject)] {
        state.withLock { $0.windows.map { ($0.window.kind, $0.window.config) } }
    }
}
