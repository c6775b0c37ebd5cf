import Foundation

#if canImport(Glibc)
    import Glibc
#endif

extension PythonInterpreter {
    /// An interpreter that ran: its real path (`sys.executable`) and version (`3.7.16`).
    public struct Found: Sendable, Hashable, CustomStringConvertible {
        public var path: String
        public var version: String

        /// `3.7` of `3.7.16`.
        public var minorVersion: String { version.split(separator: ".").prefix(2).joined(separator: ".") }
        public var description: String { "\(path) (Python \(version))" }
    }

    /// Runs `path` once and reads its version and real path; `nil` when it does not run.
    /// The probe runs on Python 2.7 too.
    public static func probe(_ path: String) -> Found? {
        if let known = probed.withLock({ $0[path] }) { return known }
        guard let found = runProbe(path) else { return nil }
        probed.withLock { $0[path] = found }
        return found
    }

    private static func runProbe(_ path: String) -> Found? {
        let script =
            "import sys; sys.stdout.write('%d.%d.%d %s' % (sys.version_info[0], sys.version_info[1], sys.version_info[2], sys.executable))"
        guard let result = try? Subprocess([path, "-c", script]).run(), result.succeeded else { return nil }
        let text = result.outputText
        guard let space = text.firstIndex(of: " ") else { return nil }
        let executable = String(text[text.index(after: space)...])
        return Found(path: executable.hasPrefix("/") ? executable : path, version: String(text[..<space]))
    }

    /// An installed interpreter of `version` (`3.7`): the `search` folders, `PATH`
    /// (`python3.7`), pyenv, uv and conda installation folders, in that order.
    public static func find(version: String, search: [String], environment: [String: String]) -> Found? {
        for candidate in candidates(version: version, search: search, environment: environment) {
            if access(candidate, X_OK) == 0, let found = probe(candidate), found.minorVersion == version { return found }
        }
        return nil
    }

    /// The places ``find(version:search:environment:)`` looks, as a person reads them in an error.
    public static func searchedPlaces(version: String, search: [String]) -> String {
        let folders = search.isEmpty ? "" : search.joined(separator: ":") + ", "
        return "\(folders)PATH (python\(version)), pyenv ($PYENV_ROOT or ~/.pyenv/versions/\(version).*), "
            + "uv (~/.local/share/uv/python/cpython-\(version).*), conda (~/miniconda3, ~/anaconda3, ~/miniforge3, /opt/conda and their envs)"
    }

    /// Candidate interpreter paths of `version`, most specific first.
    static func candidates(version: String, search: [String], environment: [String: String]) -> [String] {
        let name = "python" + version
        let home = environment["HOME"] ?? NSHomeDirectory()
        var paths: [String] = []
        for folder in search where !folder.isEmpty {
            paths += [folder + "/" + name, folder + "/bin/" + name]
            paths += versionFolders(in: folder, prefix: version + ".").map { $0 + "/bin/" + name }
        }
        for folder in (environment["PATH"] ?? "/usr/bin:/bin").split(separator: ":") { paths.append("\(folder)/\(name)") }
        for root in [environment["PYENV_ROOT"], home + "/.pyenv"].compactMap({ $0 }) {
            paths += versionFolders(in: root + "/versions", prefix: version + ".").map { $0 + "/bin/" + name }
        }
        let uv = environment["UV_PYTHON_INSTALL_DIR"] ?? (environment["XDG_DATA_HOME"] ?? home + "/.local/share") + "/uv/python"
        paths += versionFolders(in: uv, prefix: "cpython-" + version + ".").map { $0 + "/bin/" + name }
        for base in [home + "/miniconda3", home + "/anaconda3", home + "/miniforge3", home + "/mambaforge", "/opt/conda"] {
            paths.append(base + "/bin/" + name)
            paths += versionFolders(in: base + "/envs", prefix: "").map { $0 + "/bin/" + name }
        }
        return paths
    }

    /// The subfolders of `folder` whose names start with `prefix`, newest version first.
    private static func versionFolders(in folder: String, prefix: String) -> [String] {
        let names = (try? FileManager.default.contentsOfDirectory(atPath: folder)) ?? []
        return names.filter { $0.hasPrefix(prefix) }
            .sorted { $0.compare($1, options: .numeric) == .orderedDescending }
            .map { folder + "/" + $0 }
    }
}
