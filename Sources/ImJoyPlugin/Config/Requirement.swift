/// One entry of a plugin's `requirements`, classified the way ImJoy's engines install it.
public enum Requirement: Sendable, Hashable, CustomStringConvertible {
    /// `pip install PACKAGES` (no prefix, `pip:`, or a prefix containing `+` or `http`).
    case pip([String])
    /// `conda install -y PACKAGES`.
    case conda([String])
    /// `git clone URL [DIRECTORY]` into the work folder.
    case repository(url: String, directory: String?)
    /// A shell command run verbatim (`cmd:`).
    case command(String)
    /// A script or stylesheet URL a browser plugin loads (`js:`, `css:`, `mjs:`, or a URL).
    case script(url: String, kind: ScriptKind)
    /// `cache:` entries, which ImJoy ignores.
    case cached(String)

    /// What a web requirement loads.
    public enum ScriptKind: String, Sendable, Hashable {
        case javascript = "js"
        case stylesheet = "css"
        case module = "mjs"
    }

    public var description: String {
        switch self {
        case .pip(let packages): "pip install \(packages.joined(separator: " "))"
        case .conda(let packages): "conda install -y \(packages.joined(separator: " "))"
        case .repository(let url, let directory): "git clone --depth=1 \(url)" + (directory.map { " \($0)" } ?? "")
        case .command(let command): command
        case .script(let url, let kind): "load \(kind.rawValue) \(url)"
        case .cached(let url): "cache \(url)"
        }
    }

    /// The kind name used in JSON output (`pip`, `conda`, `repo`, `cmd`, `js`, `css`, `mjs`, `cache`).
    public var kind: String {
        switch self {
        case .pip: "pip"
        case .conda: "conda"
        case .repository: "repo"
        case .command: "cmd"
        case .script(_, let kind): kind.rawValue
        case .cached: "cache"
        }
    }

    /// Classifies a requirement string of a Python plugin, following the legacy ImJoy engine's
    /// `parse_requirements`: split at the first `:`; `conda:`, `pip:`, `repo:`, `cmd:` prefixes;
    /// a prefix containing `+` or `http` is a pip requirement of the whole string; no prefix is pip;
    /// packages are split on spaces.
    public static func python(_ text: String) throws(RequirementError) -> Requirement {
        guard let colon = text.firstIndex(of: ":") else { return .pip(splitPackages(text)) }
        let prefix = String(text[..<colon])
        let rest = String(text[text.index(after: colon)...])
        switch prefix {
        case "conda": return .conda(splitPackages(rest))
        case "pip": return .pip(splitPackages(rest))
        case "cmd": return .command(rest.trimmingSpaces())
        case "repo":
            let parts = splitPackages(rest)
            guard let url = parts.first else { throw RequirementError(text: text, reason: "repo: needs a URL") }
            return .repository(url: url, directory: parts.count > 1 ? parts[1] : nil)
        default:
            if prefix.contains("+") || prefix.contains("http") { return .pip(splitPackages(text)) }
            throw RequirementError(
                text: text, reason: "unsupported requirement type '\(prefix)'; use pip:, conda:, repo: or cmd:")
        }
    }

    /// Classifies a requirement of a browser plugin (web-worker, window, iframe), following
    /// imjoy-rpc's `loadRequirementsIn…`: `css:`/`.css` a stylesheet, `mjs:`/`.mjs` a module,
    /// `js:`/`.js`/`http…` a script, `cache:` ignored.
    public static func web(_ text: String) -> Requirement {
        for (prefix, kind) in [("css:", ScriptKind.stylesheet), ("mjs:", .module), ("js:", .javascript)]
        where text.hasPrefix(prefix) {
            return .script(url: String(text.dropFirst(prefix.count)), kind: kind)
        }
        if text.hasPrefix("cache:") { return .cached(String(text.dropFirst(6))) }
        if text.hasSuffix(".css") { return .script(url: text, kind: .stylesheet) }
        if text.hasSuffix(".mjs") { return .script(url: text, kind: .module) }
        return .script(url: text, kind: .javascript)
    }

    private static func splitPackages(_ text: String) -> [String] {
        text.split(separator: " ", omittingEmptySubsequences: true).map(String.init)
    }
}

/// A requirement string that ImJoy would refuse.
public struct RequirementError: Error, CustomStringConvertible, Sendable, Equatable {
    public var text: String
    public var reason: String
    public var description: String { "requirement '\(text)': \(reason)" }
}

extension String {
    func trimmingSpaces() -> String {
        var slice = Substring(self)
        while slice.first?.isWhitespace == true { slice.removeFirst() }
        while slice.last?.isWhitespace == true { slice.removeLast() }
        return String(slice)
    }
}
