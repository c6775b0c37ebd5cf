/// imjoy-run's `url` extension: a URL string with an allowed scheme whose path ends with an
/// allowed extension.
///
/// ImJoy documents `{"type": "url", "extension": "zarr"}` but never implemented it; imjoy-run
/// accepts that form and the keyword form `{"url": {"scheme": [...], "extension": [...]}}`.
/// Schemes default to `http`, `https`, `s3` and `file`; extensions are compared case-insensitively,
/// with or without a leading dot, and a trailing `/` (a Zarr directory URL) is ignored.
struct URLMatcher: Sendable {
    static let defaultSchemes = ["http", "https", "s3", "file"]

    /// Allowed schemes, lowercase.
    let schemes: [String]
    /// Allowed extensions without the dot, lowercase; empty means any.
    let extensions: [String]

    init(schemes: [String] = URLMatcher.defaultSchemes, extensions: [String] = []) {
        self.schemes = schemes.map { $0.lowercased() }
        self.extensions = extensions.map { ext in
            (ext.hasPrefix(".") ? String(ext.dropFirst()) : ext).lowercased()
        }
    }

    func matches(_ instance: JSONValue) -> Bool {
        guard case .string(let text) = instance else { return false }
        return mismatch(text) == nil
    }

    /// Why `text` does not match, or `nil` when it does.
    func mismatch(_ text: String) -> String? {
        let reference = URIReference(text)
        guard let scheme = reference.scheme?.lowercased(), schemes.contains(scheme) else {
            return "expected a URL with scheme \(schemes.joined(separator: ", ")), got \"\(text)\""
        }
        guard scheme == "file" || !(reference.authority ?? "").isEmpty else {
            return "expected a URL with a host, got \"\(text)\""
        }
        guard !extensions.isEmpty else { return nil }
        var path = Substring(reference.path.lowercased())
        while path.hasSuffix("/") { path = path.dropLast() }
        if extensions.contains(where: { path.hasSuffix("." + $0) }) { return nil }
        return "expected a URL ending with .\(extensions.joined(separator: " or .")), got \"\(text)\""
    }

    func mismatchMessage(for text: String) -> String {
        mismatch(text) ?? "expected a URL"
    }
}
