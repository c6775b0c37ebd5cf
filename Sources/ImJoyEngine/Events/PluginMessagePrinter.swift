import Foundation
import Synchronization

/// Prints the plugin messages a person should see at once — `api.alert` and `api.error` — on
/// the console (stderr), attributed to plugin, item and op. Everything else stays in the events
/// and the plugin's log.
public final class PluginMessagePrinter: RunObserver, Sendable {
    /// The api functions printed.
    public static let printed: Set<String> = ["alert", "error"]

    /// One line at a time.
    private let handle: Mutex<FileHandle>
    private let clearsLine: Bool

    /// - Parameter clearsLine: erase the current terminal line first (a progress bar is drawn there).
    public init(handle: FileHandle = .standardError, clearsLine: Bool = false) {
        self.handle = Mutex(handle)
        self.clearsLine = clearsLine
    }

    public func runStarted(items: Int, tasks: Int, jobs: Int) {}
    public func taskFinished(_ event: TaskEvent, done: Int, total: Int) {}
    public func runFinished(_ summary: RunSummary) {}

    public func pluginEvents(_ events: [PluginEvent]) {
        for event in events {
            guard case .message(let function, _) = event.kind, Self.printed.contains(function) else { continue }
            let origin = event.origin.map { " (\($0.item)/\($0.op))" } ?? ""
            let line = (clearsLine ? "\r\u{1B}[2K" : "") + "imjoy-run: \(event.plugin)\(origin) \(function): \(event.text)\n"
            handle.withLock { $0.write(Data(line.utf8)) }
        }
    }
}
