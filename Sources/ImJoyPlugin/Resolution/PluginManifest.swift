import Foundation
import ImJoySchema

/// A repository manifest, `manifest.imjoy.json`, as imjoy-core's `buildManifest` writes it and
/// `getRepoManifest` reads it.
public struct PluginManifest: Sendable {
    /// The manifest file name ImJoy uses.
    public static let fileName = "manifest.imjoy.json"

    /// One plugin entry: its name and the file it lives in.
    public struct Entry: Sendable, Equatable {
        public var name: String
        /// The plugin file path, resolved against `uri_root` and the manifest's folder.
        public var path: String
        /// The entry as written (config fields copied by buildManifest, `uri`, …).
        public var fields: JSONObject
    }

    /// The manifest's `name`.
    public var name: String?
    /// The manifest file.
    public var file: String
    /// Enabled plugins, in manifest order (`disabled` entries dropped).
    public var plugins: [Entry]

    /// Reads the manifest in `directory`.
    public init(directory: String) throws(PluginError) {
        let file = (directory as NSString).appendingPathComponent(PluginManifest.fileName)
        guard let data = FileManager.default.contents(atPath: file) else {
            throw .invalidManifest(file: file, reason: "cannot read the file")
        }
        let value: JSONValue
        do {
            value = try JSONValue(jsonBytes: data)
        } catch {
            throw .invalidManifest(file: file, reason: "not valid JSON: \(error)")
        }
        guard case .object(let object) = value else {
            throw .invalidManifest(file: file, reason: "expected an object, got \(value.typeName)")
        }
        guard case .array(let entries)? = object["plugins"] else {
            throw .invalidManifest(file: file, reason: "field 'plugins' must be a list")
        }
        self.file = file
        self.name = object["name"]?.stringValue
        let uriRoot = (object["uri_root"]?.stringValue ?? "").replacingOccurrences(of: "\\", with: "/")
        var plugins: [Entry] = []
        for (i, entry) in entries.enumerated() {
            guard case .object(let fields) = entry, let name = fields["name"]?.stringValue else {
                throw .invalidManifest(file: file, reason: "plugins[\(i)] needs a string 'name'")
            }
            if let disabled = fields["disabled"], disabled != .bool(false), !disabled.isNull { continue }
            // A browser turns `\` in a URL path into `/` (manifests written on Windows).
            let uri = (fields["uri"]?.stringValue ?? "\(name).imjoy.html").replacingOccurrences(of: "\\", with: "/")
            let path = PluginManifest.resolve(uri: uri, root: uriRoot, directory: directory)
            plugins.append(Entry(name: name, path: path, fields: fields))
        }
        self.plugins = plugins
    }

    /// The entry named `name` (exact match, then with spaces and underscores treated alike, as
    /// ImJoy's `_id` replaces spaces with underscores).
    public func entry(named name: String) -> Entry? {
        plugins.first { $0.name == name }
            ?? plugins.first { $0.name.replacingOccurrences(of: " ", with: "_") == name.replacingOccurrences(of: " ", with: "_") }
    }

    private static func resolve(uri: String, root: String, directory: String) -> String {
        if uri.hasPrefix("/") { return uri }
        if uri.hasPrefix("file://") { return String(uri.dropFirst(7)) }
        var base = directory
        if !root.isEmpty, !root.contains("://") {
            base = root.hasPrefix("/") ? root : (directory as NSString).appendingPathComponent(root)
        }
        return ((base as NSString).appendingPathComponent(uri) as NSString).standardizingPath
    }
}
