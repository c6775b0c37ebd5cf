import Foundation

/// A plugin source resolved to a file on disk.
public struct ResolvedPluginSource: Sendable, Equatable {
    /// The source as written (`path@TAG`, `OWNER/REPO:NAME@TAG`, …).
    public var source: String
    /// The plugin file.
    public var path: String
    /// The tag the source asks for, if any.
    public var tag: String?
}

/// Finds plugin files offline: by path, through a directory's `manifest.imjoy.json`, or by
/// `OWNER/REPO:NAME@TAG` against a search path of plugin directories.
///
/// The search path is the `--plugins` directories followed by those in `IMJOY_PLUGIN_PATH`
/// (colon-separated). For `OWNER/REPO:NAME`, each directory `D` is tried as `D/OWNER/REPO`,
/// `D/REPO`, then `D` itself when its manifest's `name` or its folder name is `REPO` or
/// `OWNER/REPO`; inside, `NAME` is looked up in the manifest, else as `NAME.imjoy.html`.
public struct PluginResolver: Sendable {
    /// The plugin directories searched, in order.
    public var searchPath: [String]

    /// - Parameters:
    ///   - directories: `--plugins` directories, searched first.
    ///   - environment: The process environment; `IMJOY_PLUGIN_PATH` adds directories.
    public init(directories: [String] = [], environment: [String: String] = ProcessInfo.processInfo.environment) {
        var path = directories
        if let extra = environment["IMJOY_PLUGIN_PATH"] {
            path += extra.split(separator: ":").map(String.init).filter { !$0.isEmpty }
        }
        self.searchPath = path
    }

    /// Resolves `source` to a plugin file.
    /// - Parameter base: The folder relative paths are taken from (a workflow file's folder).
    public func resolve(_ source: String, relativeTo base: String? = nil) throws(PluginError) -> ResolvedPluginSource {
        let fileManager = FileManager.default
        let (body, tag) = PluginReference.splitTag(source)
        let candidates = [source, body]
        for candidate in candidates {
            let path = absolute(candidate, base: base)
            var isDirectory: ObjCBool = false
            if fileManager.fileExists(atPath: path, isDirectory: &isDirectory) {
                if isDirectory.boolValue {
                    throw .unresolvedSource(
                        source,
                        reason:
                            "is a plugin directory; name one plugin as DIR:NAME (plugins: \(listPlugins(inDirectory: path).joined(separator: ", ")))"
                    )
                }
                return ResolvedPluginSource(source: source, path: path, tag: candidate == source ? nil : tag)
            }
        }
        // DIR:NAME for a local plugin directory.
        if let colon = body.lastIndex(of: ":") {
            let directory = absolute(String(body[..<colon]), base: base)
            let name = String(body[body.index(after: colon)...])
            if isDirectory(directory), let path = try lookUp(name: name, inDirectory: directory) {
                return ResolvedPluginSource(source: source, path: path, tag: tag)
            }
        }
        guard let reference = PluginReference(source) else {
            throw .unresolvedSource(source, reason: "no such file, and not of the form OWNER/REPO:NAME@TAG")
        }
        return try resolve(reference, source: source)
    }

    /// Resolves a repository or URL reference against the search path.
    public func resolve(_ reference: PluginReference, source: String? = nil) throws(PluginError) -> ResolvedPluginSource {
        let source = source ?? reference.description
        guard !searchPath.isEmpty else {
            throw .unresolvedSource(source, reason: "no plugin search path; pass --plugins DIR or set IMJOY_PLUGIN_PATH")
        }
        switch reference {
        case .repository(let repository, let name, let tag):
            for directory in repositoryDirectories(repository) {
                if let path = try lookUp(name: name, inDirectory: directory) {
                    return ResolvedPluginSource(source: source, path: path, tag: tag)
                }
            }
            throw .unresolvedSource(
                source, reason: "plugin '\(name)' of '\(repository)' not found in \(searchPath.joined(separator: ":"))")
        case .url(let url, let tag):
            let fileName = (url as NSString).lastPathComponent
            for directory in searchPath {
                let path = (directory as NSString).appendingPathComponent(fileName)
                if FileManager.default.fileExists(atPath: path) {
                    return ResolvedPluginSource(source: source, path: path, tag: tag)
                }
            }
            throw .unresolvedSource(
                source, reason: "runs are offline: put \(fileName) in a plugin directory (searched \(searchPath.joined(separator: ":")))")
        }
    }

    /// Finds a plugin by its config `name` anywhere on the search path (ImJoy's saved workflows
    /// name plugins this way).
    public func find(named name: String) throws(PluginError) -> ResolvedPluginSource {
        for directory in searchPath {
            if let path = try lookUp(name: name, inDirectory: directory) {
                return ResolvedPluginSource(source: name, path: path, tag: nil)
            }
            for file in pluginFiles(inDirectory: directory) {
                if let plugin = try? Plugin(contentsOf: file), plugin.config.name == name {
                    return ResolvedPluginSource(source: name, path: file, tag: nil)
                }
            }
        }
        throw .unresolvedSource(name, reason: "no plugin of that name in \(searchPath.joined(separator: ":"))")
    }

    /// Loads the plugin `source` names; an explicit `tag` overrides the source's `@TAG`.
    public func load(_ source: String, tag: String? = nil, relativeTo base: String? = nil) throws(PluginError) -> Plugin {
        let resolved = try resolve(source, relativeTo: base)
        return try Plugin(contentsOf: resolved.path, tag: tag ?? resolved.tag)
    }

    /// Resolves each of a plugin's `dependencies`; a dependency that cannot be found is reported
    /// with its error rather than thrown.
    ///
    /// Besides the search path, a dependency is looked up beside the plugin: a path relative to
    /// the plugin's folder, and `REPO:NAME` in the plugin's folder and the folders above it that
    /// hold a `manifest.imjoy.json` (a plugin of a repository checkout depends on its siblings).
    public func resolveDependencies(of plugin: Plugin) -> [(PluginDependency, Result<ResolvedPluginSource, PluginError>)] {
        guard !plugin.config.dependencies.isEmpty else { return [] }
        let folder = (plugin.file as NSString).deletingLastPathComponent
        let local = PluginResolver(directories: searchPath + Self.repositoryFolders(around: folder), environment: [:])
        return plugin.config.dependencies.map { dependency in
            guard let reference = dependency.reference else {
                return (
                    dependency,
                    Result { () throws(PluginError) in try local.resolve(dependency.text, relativeTo: folder.isEmpty ? nil : folder) }
                )
            }
            return (dependency, Result { () throws(PluginError) in try local.resolve(reference, source: dependency.text) })
        }
    }

    /// `folder` and the folders above it that hold a repository manifest (at most 4 levels up).
    static func repositoryFolders(around folder: String) -> [String] {
        guard !folder.isEmpty else { return [] }
        var folders = [folder]
        var current = URL(fileURLWithPath: folder).standardizedFileURL.path
        for _ in 0..<4 {
            guard current.count > 1 else { break }
            let parent = URL(fileURLWithPath: current).deletingLastPathComponent().standardizedFileURL.path
            if parent == current || parent.isEmpty { break }
            if FileManager.default.fileExists(atPath: (parent as NSString).appendingPathComponent(PluginManifest.fileName)) {
                folders.append(parent)
            }
            current = parent
        }
        return folders
    }

    // MARK: Helpers

    private func repositoryDirectories(_ repository: String) -> [String] {
        let repoName = (repository as NSString).lastPathComponent
        var directories: [String] = []
        for directory in searchPath {
            for candidate in [
                (directory as NSString).appendingPathComponent(repository),
                (directory as NSString).appendingPathComponent(repoName),
            ] where isDirectory(candidate) {
                directories.append(candidate)
            }
            // GitHub names are case-insensitive: `oeway/ImJoy-Demo-Plugins` is `imjoy-demo-plugins`.
            let names = [repository.lowercased(), repoName.lowercased()]
            let folderName = ((directory as NSString).standardizingPath as NSString).lastPathComponent.lowercased()
            let manifestName = (try? PluginManifest(directory: directory).name)?.lowercased()
            if names.contains(folderName) || manifestName.map({ names.contains($0) }) == true {
                directories.append(directory)
            }
        }
        return directories
    }

    /// The file of plugin `name` in `directory`: through its manifest, else `NAME.imjoy.html`.
    private func lookUp(name: String, inDirectory directory: String) throws(PluginError) -> String? {
        let manifestPath = (directory as NSString).appendingPathComponent(PluginManifest.fileName)
        if FileManager.default.fileExists(atPath: manifestPath) {
            let manifest = try PluginManifest(directory: directory)
            if let entry = manifest.entry(named: name) { return entry.path }
        }
        let file = (directory as NSString).appendingPathComponent("\(name).imjoy.html")
        return FileManager.default.fileExists(atPath: file) ? file : nil
    }

    private func listPlugins(inDirectory directory: String) -> [String] {
        if let manifest = try? PluginManifest(directory: directory) { return manifest.plugins.map(\.name) }
        return pluginFiles(inDirectory: directory).map { (($0 as NSString).lastPathComponent as NSString).deletingPathExtension }
    }

    /// The `*.imjoy.html` files directly in `directory`, sorted.
    public func pluginFiles(inDirectory directory: String) -> [String] {
        let names = (try? FileManager.default.contentsOfDirectory(atPath: directory)) ?? []
        return names.filter { $0.hasSuffix(".imjoy.html") }.sorted().map { (directory as NSString).appendingPathComponent($0) }
    }

    private func isDirectory(_ path: String) -> Bool {
        var flag: ObjCBool = false
        return FileManager.default.fileExists(atPath: path, isDirectory: &flag) && flag.boolValue
    }

    private func absolute(_ path: String, base: String?) -> String {
        if path.hasPrefix("/") || base == nil { return path }
        return (base! as NSString).appendingPathComponent(path)
    }
}
