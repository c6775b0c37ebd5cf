import Foundation

extension PythonEnvironment {
    /// A `repo:` requirement's clone: where it is and the commit it was pinned at.
    public struct Repository: Sendable, Hashable {
        public var url: String
        public var folder: String
        public var commit: String
    }

    /// `<env>/repos/<directory, else the URL's last component without .git>`.
    func repositoryFolder(url: String, directory: String?) -> String {
        var name = directory ?? (url.split(separator: "/").last.map(String.init) ?? "repo")
        if directory == nil, name.hasSuffix(".git") { name = String(name.dropLast(4)) }
        return self.directory + "/repos/" + OutputPaths.sanitized(name)
    }

    var repositoriesRecord: String { directory + "/.imjoy-run-repositories" }

    /// The clones of the `repo:` requirements, as recorded when the environment was prepared
    /// (one `COMMIT URL FOLDER` line each).
    public var repositories: [Repository] {
        guard let text = try? String(contentsOfFile: repositoriesRecord, encoding: .utf8) else { return [] }
        return text.split(separator: "\n").compactMap { line in
            let parts = line.split(separator: " ", maxSplits: 2).map(String.init)
            return parts.count == 3 ? Repository(url: parts[1], folder: parts[2], commit: parts[0]) : nil
        }
    }

    /// Records the commit of each cloned `repo:` requirement (`git rev-parse HEAD`).
    func recordRepositories() throws(PluginHostError) {
        var lines: [String] = []
        for requirement in plugin.config.requirements {
            guard case .repository(let url, let name) = requirement else { continue }
            let folder = repositoryFolder(url: url, directory: name)
            guard FileManager.default.fileExists(atPath: folder) else { continue }
            let result = try? Subprocess(["git", "-C", folder, "rev-parse", "HEAD"]).run()
            guard let result, result.succeeded else {
                throw error("cannot read the commit of \(folder): \(result?.errorText ?? "git did not run")")
            }
            lines.append("\(result.outputText) \(url) \(folder)\n")
        }
        guard !lines.isEmpty else { return }
        _ = FileManager.default.createFile(atPath: repositoriesRecord, contents: Data(lines.joined().utf8))
    }
}
