import Foundation

/// A remote input named by a URL: `http://`, `https://` (any server) or `s3://bucket/key` (S3 and
/// S3-compatible servers). Parsing is syntactic only: nothing is fetched, so `validate`, planning
/// and `--dry-run` use it freely. Reading is ImageIO's (`RemoteClient`).
public struct RemoteLocation: Sendable, Hashable, CustomStringConvertible {
    /// The schemes imjoy-run reads; another scheme is a new case plus its request in ImageIO's
    /// `RemoteClient` (docs/ARCHITECTURE.md, "A new remote scheme").
    public enum Scheme: String, Sendable, CaseIterable {
        case http, https, s3
    }

    /// The scheme.
    public let scheme: Scheme
    /// `host[:port]` for http(s); the bucket for s3.
    public let authority: String
    /// The path (http) or key (s3) without its leading `/`, percent-encoded as written; no query.
    public let path: String
    /// The query string of an http(s) URL (signed URLs), without `?`.
    public let query: String?

    /// Whether `text` starts with a remote scheme (`http://`, `https://`, `s3://`, any case): such
    /// a text is a URL, never a local path, even when it fails to parse.
    public static func isRemote(_ text: String) -> Bool {
        guard let colon = text.firstIndex(of: ":") else { return false }
        let scheme = text[..<colon].lowercased()
        return Scheme(rawValue: scheme) != nil && text[colon...].hasPrefix("://")
    }

    /// Parses `text`, refusing what cannot name a remote object.
    ///
    /// - Throws: ``RemoteLocationError`` naming the URL and the problem.
    public init(parsing text: String) throws(RemoteLocationError) {
        guard Self.isRemote(text), let colon = text.firstIndex(of: ":"), let scheme = Scheme(rawValue: text[..<colon].lowercased())
        else { throw RemoteLocationError(url: text, reason: "not an http://, https:// or s3:// URL") }
        guard !text.contains(where: { $0.isWhitespace || $0.asciiValue.map { $0 < 0x20 || $0 == 0x7f } ?? false }) else {
            throw RemoteLocationError(url: text, reason: "a URL must not contain spaces or control characters (percent-encode them)")
        }
        var rest = String(text[text.index(colon, offsetBy: 3)...])
        if let hash = rest.firstIndex(of: "#") { rest = String(rest[..<hash]) }
        var query: String?
        if let mark = rest.firstIndex(of: "?") {
            query = String(rest[rest.index(after: mark)...])
            rest = String(rest[..<mark])
        }
        let slash = rest.firstIndex(of: "/") ?? rest.endIndex
        let authority = String(rest[..<slash])
        let path = slash < rest.endIndex ? String(rest[rest.index(after: slash)...]) : ""
        guard !authority.isEmpty else { throw RemoteLocationError(url: text, reason: "no host (or bucket)") }
        guard !authority.contains("@") else {
            throw RemoteLocationError(
                url: text, reason: "credentials in URLs are refused; S3 credentials come from the environment (AWS_ACCESS_KEY_ID, …)")
        }
        self.scheme = scheme
        self.authority = authority
        self.path = path
        self.query = query.flatMap { $0.isEmpty ? nil : $0 }
        try checkSyntax(text)
    }

    private func checkSyntax(_ text: String) throws(RemoteLocationError) {
        switch scheme {
        case .s3:
            let allowed = Set("abcdefghijklmnopqrstuvwxyz0123456789.-")
            guard (3...63).contains(authority.count), authority.allSatisfy(allowed.contains) else {
                throw RemoteLocationError(url: text, reason: "'\(authority)' is not an S3 bucket name (3–63 of a-z, 0-9, '.', '-')")
            }
            guard !path.isEmpty else { throw RemoteLocationError(url: text, reason: "no object key after the bucket") }
            guard query == nil else { throw RemoteLocationError(url: text, reason: "s3:// URLs take no query string") }
        case .http, .https:
            guard URLComponents(string: "\(scheme.rawValue)://\(authority)/\(path)")?.host?.isEmpty == false else {
                throw RemoteLocationError(url: text, reason: "not a valid URL")
            }
        }
    }

    /// The URL as imjoy-run writes it (fragment dropped).
    public var description: String {
        "\(scheme.rawValue)://\(authority)/\(path)" + (query.map { "?\($0)" } ?? "")
    }

    /// The last non-empty path component, percent-decoded (`""` for a bare host).
    public var fileName: String {
        let last = path.split(separator: "/").last.map(String.init) ?? ""
        return last.removingPercentEncoding ?? last
    }

    /// The name an item gets from this URL: the file name without its extension (`a.tif` → `a`,
    /// `img.ome.zarr` → `img.ome`, as for local files), else the host or bucket.
    public var stem: String {
        let name = fileName
        guard !name.isEmpty else { return authority }
        let stem = (name as NSString).deletingPathExtension
        return stem.isEmpty ? name : stem
    }

    /// The location of `key` under this one (a store's member: `store.zarr/0/.zarray`).
    public func appending(_ key: String) -> RemoteLocation {
        guard !key.isEmpty else { return self }
        let base = path.hasSuffix("/") ? String(path.dropLast()) : path
        return RemoteLocation(scheme: scheme, authority: authority, path: base.isEmpty ? key : base + "/" + key, query: query)
    }

    private init(scheme: Scheme, authority: String, path: String, query: String?) {
        self.scheme = scheme
        self.authority = authority
        self.path = path
        self.query = query
    }
}

/// A text that names a remote input but cannot be one: the URL and why.
public struct RemoteLocationError: Error, Sendable, Equatable, CustomStringConvertible {
    public let url: String
    public let reason: String

    public init(url: String, reason: String) {
        self.url = url
        self.reason = reason
    }

    public var description: String { "\(url): \(reason)" }
}
