/// Why a plugin call failed, naming the runtime and the plugin:
/// `Python plugin Faulty: ValueError: boom` (then the plugin's own stack lines, if any).
public struct PluginHostError: Error, CustomStringConvertible, Sendable {
    /// What went wrong.
    public enum Failure: Sendable {
        /// The interpreter or the host program could not be started.
        case start(String)
        /// The plugin raised while its scripts ran or in `setup()`.
        case setup(message: String, traceback: String)
        /// The plugin raised (or threw) in the call; `traceback` holds the plugin's own frames.
        case raised(message: String, traceback: String)
        /// The process died (segfault, `os._exit`, killed).
        case crashed(during: String, reason: String)
        /// Anything else: an unknown plugin, a misuse of the api.
        case other(String)
    }

    public var failure: Failure
    /// The runtime of the plugin, when known.
    public var runtime: HostRuntime?
    /// The plugin's name, when known.
    public var plugin: String?

    public init(_ failure: Failure, runtime: HostRuntime? = nil, plugin: String? = nil) {
        self.failure = failure
        self.runtime = runtime
        self.plugin = plugin
    }

    /// An error with no runtime or plugin (usage errors, api misuse).
    public static func other(_ message: String) -> PluginHostError { PluginHostError(.other(message)) }

    /// Whether the plugin raised in a call: its process is still usable.
    public var isRaisedByPlugin: Bool { raisedMessage != nil }

    /// What the plugin raised in a call (`ValueError: boom`), without runtime, name or stack.
    public var raisedMessage: String? {
        if case .raised(let message, _) = failure { return message }
        return nil
    }

    /// Whether the runner killed the process (a timeout passed).
    public var wasKilledByRunner: Bool {
        if case .crashed(_, "killed by the runner") = failure { return true }
        return false
    }

    /// Fills in the runtime and plugin where they are missing.
    func attributed(to runtime: HostRuntime, plugin: String) -> PluginHostError {
        var copy = self
        copy.runtime = copy.runtime ?? runtime
        copy.plugin = copy.plugin ?? plugin
        return copy
    }

    /// `Python plugin X: ` (or `plugin X: `, `Python host: `, or nothing).
    private var subject: String {
        switch (runtime, plugin) {
        case (let runtime?, let plugin?): "\(runtime.displayName) plugin \(plugin): "
        case (nil, let plugin?): "plugin \(plugin): "
        case (let runtime?, nil): "\(runtime.displayName) host: "
        case (nil, nil): ""
        }
    }

    public var description: String {
        switch failure {
        case .start(let reason): subject + "cannot start the plugin host: \(reason)"
        case .setup(let message, let traceback):
            subject + "the plugin failed to load or set up: \(message)" + Self.stack(traceback, after: message)
        case .raised(let message, let traceback): subject + message + Self.stack(traceback, after: message)
        case .crashed(let during, let reason): subject + "the plugin process died during \(during): \(reason)"
        case .other(let message): subject + message
        }
    }

    /// The stack lines shown after `message`, on lines of their own: trailing blank lines and a
    /// last line that repeats `message` (Python's traceback ends with it) left out.
    static func stack(_ traceback: String, after message: String) -> String {
        var text = Substring(traceback)
        while let last = text.last, last.isWhitespace { text.removeLast() }
        if text.hasSuffix("\n" + message) { text.removeLast(message.count + 1) }
        while let last = text.last, last.isWhitespace { text.removeLast() }
        return text.isEmpty ? "" : "\n" + text
    }
}
