/// A reference to a plugin in a repository, `OWNER/REPO:NAME@TAG`, or at a URL, `URL@TAG`,
/// as plugin `dependencies` and workflow `plugins` write them.
public enum PluginReference: Sendable, Hashable, CustomStringConvertible {
    /// `OWNER/REPO:NAME[@TAG]`: plugin `NAME` of repository `OWNER/REPO`.
    case repository(repository: String, name: String, tag: String?)
    /// `URL[@TAG]`: a plugin file at a URL (resolved offline against the plugin search path by
    /// its file name).
    case url(String, tag: String?)

    /// Parses a reference; `nil` when the text is neither form.
    public init?(_ text: String) {
        let (body, tag) = PluginReference.splitTag(text)
        if body.hasPrefix("http://") || body.hasPrefix("https://") || body.hasPrefix("file://") {
            self = .url(body, tag: tag)
            return
        }
        guard let colon = body.lastIndex(of: ":") else { return nil }
        let repository = String(body[..<colon])
        let name = String(body[body.index(after: colon)...])
        guard !repository.isEmpty, !name.isEmpty, repository.contains("/"), !name.contains("/") else { return nil }
        self = .repository(repository: repository, name: name, tag: tag)
    }

    /// The requested tag, if any.
    public var tag: String? {
        switch self {
        case .repository(_, _, let tag), .url(_, let tag): tag
        }
    }

    public var description: String {
        switch self {
        case .repository(let repository, let name, let tag): "\(repository):\(name)" + (tag.map { "@\($0)" } ?? "")
        case .url(let url, let tag): url + (tag.map { "@\($0)" } ?? "")
        }
    }

    /// Splits a trailing `@TAG` off `text`. The `@` counts only when no `/` follows it, so
    /// `user@host/path` keeps its `@`.
    public static func splitTag(_ text: String) -> (String, String?) {
        guard let at = text.lastIndex(of: "@") else { return (text, nil) }
        let tag = text[text.index(after: at)...]
        guard !tag.isEmpty, !tag.contains("/"), at != text.startIndex else { return (text, nil) }
        return (String(text[..<at]), String(tag))
    }
}
