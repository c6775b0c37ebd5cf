import Foundation
import Synchronization

extension RuntimeIdentity {
    /// Why a runtime cannot be identified.
    public struct ProbeError: Error, CustomStringConvertible, Sendable {
        public var command: [String]
        public var reason: String
        public var description: String { "cannot identify the runtime \(command.joined(separator: " ")): \(reason)" }
    }

    /// Identities made in this process, by command and stamp.
    private static let known = Mutex<[String: RuntimeIdentity]>([:])

    /// The identity of the runtime `command` starts (`runtime`: `python` or `node`), running it
    /// once unless this process or `cacheDirectory` (a record valid while the interpreter and
    /// its package folders keep their modification times) knows it already.
    public static func probe(
        command: [String], runtime: String, hostProgram: String, environment: [String: String]? = nil,
        cacheDirectory: URL? = nil
    ) throws(ProbeError) -> RuntimeIdentity {
        let host = hostHash(hostProgram)
        let memoKey = ([runtime, host] + command).joined(separator: "\u{1}")
        let record = cacheDirectory?.appendingPathComponent("runtime-\(SHA256.hex(Data(memoKey.utf8)).prefix(32)).json")
        if let identity = known.withLock({ $0[memoKey] }) { return identity }
        if let record, let identity = ProbeRecord.read(record) {
            known.withLock { $0[memoKey] = identity }
            return identity
        }
        let (identity, folders) = try run(command: command, runtime: runtime, host: host, environment: environment)
        known.withLock { $0[memoKey] = identity }
        if let record { ProbeRecord.write(identity, folders: folders, to: record) }
        return identity
    }

    /// ``probe(command:runtime:hostProgram:environment:cacheDirectory:)``, or when the runtime
    /// cannot be run, an identity naming the command with version `unknown (reason)` (the call
    /// itself then fails with the host's own error).
    public static func identify(
        command: [String], runtime: String, hostProgram: String, environment: [String: String]? = nil,
        cacheDirectory: URL? = defaultCacheDirectory()
    ) -> RuntimeIdentity {
        do {
            return try probe(
                command: command, runtime: runtime, hostProgram: hostProgram, environment: environment,
                cacheDirectory: cacheDirectory)
        } catch {
            return RuntimeIdentity(
                runtime: runtime, interpreter: command.joined(separator: " "),
                version: "unknown (\(error.reason.prefix(200)))", host: hostHash(hostProgram))
        }
    }

    /// `<environment cache>/runtimes` (beside the prepared environments).
    public static func defaultCacheDirectory() -> URL {
        URL(fileURLWithPath: PythonEnvironment.defaultCacheRoot()).deletingLastPathComponent().appendingPathComponent("runtimes")
    }

    /// SHA-256 of the host program's content and the runner's version.
    private static func hostHash(_ path: String) -> String {
        let content = (try? SHA256.file(path).sha256) ?? "missing \(path)"
        return SHA256.hex(Data("\(RunnerInfo.name) \(RunnerInfo.version)\n\(content)".utf8))
    }

    /// The probe scripts: each line of interest starts with `@@ `.
    static let pythonProbe = """
        import sys, os
        print("@@ version " + ".".join(map(str, sys.version_info[:3])))
        print("@@ executable " + os.path.realpath(sys.executable))
        try:
            import importlib.metadata as md
            names = sorted({(d.metadata["Name"] or "").lower() + "==" + (d.version or "") for d in md.distributions()})
        except Exception:
            names = []
        for n in names: print("@@ package " + n)
        for p in sys.path:
            if os.path.isdir(p): print("@@ folder " + os.path.realpath(p))
        """
    static let nodeProbe = #"console.log("@@ version " + process.version); console.log("@@ executable " + process.execPath)"#

    private static func run(command: [String], runtime: String, host: String, environment: [String: String]?)
        throws(ProbeError) -> (RuntimeIdentity, [String])
    {
        let arguments = runtime == "node" ? ["-e", nodeProbe] : ["-c", pythonProbe]
        let output = try ProbeProcess.run(command + arguments, environment: environment)
        var version: String?
        var executable: String?
        var packages: [String] = []
        var folders: [String] = []
        for line in output.split(separator: "\n") where line.hasPrefix("@@ ") {
            let parts = line.dropFirst(3).split(separator: " ", maxSplits: 1).map(String.init)
            guard parts.count == 2 else { continue }
            switch parts[0] {
            case "version": version = parts[1]
            case "executable": executable = parts[1]
            case "package": packages.append(parts[1])
            case "folder": folders.append(parts[1])
            default: break
            }
        }
        guard let version, let executable else {
            throw ProbeError(command: command, reason: "no version in its output: \(output.prefix(300))")
        }
        var identity = RuntimeIdentity(runtime: runtime, interpreter: executable, version: version, host: host)
        if runtime != "node" {
            identity.packages = SHA256.hex(Data(packages.joined(separator: "\n").utf8))
            identity.packageCount = packages.count
        }
        return (identity, [executable] + folders)
    }
}

/// A probe's result on disk, valid while the interpreter and its package folders keep their
/// modification times (installing or removing a package changes its folder's).
enum ProbeRecord {
    private struct Stored: Codable {
        var identity: RuntimeIdentity
        var stamps: [String: String]
    }

    static func stamp(_ path: String) -> String? {
        var info = stat()
        guard stat(path, &info) == 0 else { return nil }
        return "\(info.st_ino) \(info.st_size) \(info.st_mtim.tv_sec).\(info.st_mtim.tv_nsec)"
    }

    static func read(_ url: URL) -> RuntimeIdentity? {
        guard let data = FileManager.default.contents(atPath: url.path),
            let stored = try? JSONDecoder().decode(Stored.self, from: data)
        else { return nil }
        for (path, stamp) in stored.stamps where Self.stamp(path) != stamp { return nil }
        return stored.identity
    }

    static func write(_ identity: RuntimeIdentity, folders: [String], to url: URL) {
        var stamps: [String: String] = [:]
        for path in folders { stamps[path] = stamp(path) }
        guard let data = try? JSONEncoder().encode(Stored(identity: identity, stamps: stamps)) else { return }
        try? CacheFiles.writeAtomicallyFast(data, to: url)
    }
}
