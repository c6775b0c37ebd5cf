import ImJoyPlugin
import ImJoySchema

/// The Python version a plugin asks for: its `python_version` field, else `python=X.Y` in a
/// `conda create` of its `env` (`python=3.6`, `python==3.6.8`, `python>=3.6` all give `3.6`).
public enum PythonVersionRequest {
    /// `X.Y`, or `nil` when the plugin names no version.
    public static func version(of plugin: Plugin) -> String? {
        if let field = plugin.config.fields["python_version"], let text = field.versionText {
            return minor(text)
        }
        for entry in plugin.config.environment {
            guard case .command(let command) = entry else { continue }
            for word in command.split(separator: " ") where word.hasPrefix("python") {
                let rest = word.dropFirst("python".count).drop { "=<>~".contains($0) }
                if rest.count < word.count - "python".count, let version = minor(String(rest)) { return version }
            }
        }
        return nil
    }

    /// `3.6` of `3.6.8` or `3.6`; `nil` when not a version.
    static func minor(_ text: String) -> String? {
        let parts = text.trimmingCharacters(in: .whitespaces).split(separator: ".")
        guard parts.count >= 2, let major = Int(parts[0]), let minor = Int(parts[1].prefix { $0.isNumber }) else { return nil }
        return "\(major).\(minor)"
    }
}

extension JSONValue {
    /// `"3.6"` or `3.6` as text.
    fileprivate var versionText: String? {
        switch self {
        case .string(let text): text
        case .number(let number): String(number)
        case .integer(let number): String(number)
        default: nil
        }
    }
}
