import Foundation
import ImJoySchema

/// The offline stand-in for the network of web-worker plugins: local copies of the script URLs
/// their `requirements` (and `importScripts`, `fetch`) load.
///
/// A copy of `URL` is the file `DIR/<SHA-256 of URL>`, so the Node.js host finds it without an
/// index; `DIR/index.json` lists the URLs for people (`imjoy-run js-cache list`).
public struct JavaScriptCache: Sendable {
    /// The cache folder (absolute: the host resolves it after changing to WORK_DIR).
    public let directory: String

    public init(directory: String = JavaScriptCache.defaultDirectory()) {
        self.directory = URL(fileURLWithPath: directory).standardizedFileURL.path
    }

    /// `$XDG_CACHE_HOME/imjoy-run/js`, else `~/.cache/imjoy-run/js` (beside the Python environments).
    public static func defaultDirectory(environment: [String: String] = ProcessInfo.processInfo.environment) -> String {
        URL(fileURLWithPath: PythonEnvironment.defaultCacheRoot(environment: environment))
            .deletingLastPathComponent().appendingPathComponent("js").path
    }

    /// Where the copy of `url` is (whether or not it exists).
    public func path(for url: String) -> String {
        directory + "/" + SHA256.hex(Data(url.utf8))
    }

    /// The copy of `url`, when the cache has one.
    public func file(for url: String) -> String? {
        let path = path(for: url)
        return FileManager.default.fileExists(atPath: path) ? path : nil
    }

    /// Copies `file` into the cache as the content of `url` (replacing an older copy).
    @discardableResult
    public func add(url: String, file: String) throws(JavaScriptHostError) -> String {
        guard url.contains(":") else { throw .cache("\(url) is not a URL (requirements of web-worker plugins are URLs)") }
        guard let data = FileManager.default.contents(atPath: file) else { throw .cache("cannot read \(file)") }
        let target = path(for: url)
        do {
            try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
            try data.write(to: URL(fileURLWithPath: target), options: .atomic)
            var index = entries()
            index[url] = .string(URL(fileURLWithPath: target).lastPathComponent)
            try Data(JSONValue.object(index).serialized(.prettyPrinted).utf8)
                .write(to: URL(fileURLWithPath: directory + "/index.json"), options: .atomic)
        } catch {
            throw .cache("cannot write \(target): \(error.localizedDescription)")
        }
        return target
    }

    /// The cached URLs and their file names, from `index.json`.
    public func entries() -> JSONObject {
        guard let data = FileManager.default.contents(atPath: directory + "/index.json"),
            let value = try? JSONValue(jsonBytes: [UInt8](data))
        else { return [:] }
        return value.objectValue ?? [:]
    }
}
