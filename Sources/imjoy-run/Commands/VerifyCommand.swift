import ArgumentParser
import Foundation
import ImJoyEngine
import ImJoySchema

/// `imjoy-run verify manifest.json`: reruns the recorded workflow without the cache and compares.
struct VerifyCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "verify",
        abstract: "Re-execute a run recorded in manifest.json (no cache, temporary folder) and compare every output.",
        discussion: """
            Reports each recorded output as identical, different or missing (and outputs the rerun \
            made that the manifest does not list), and input files whose content changed since the run. Exit 0 when every output is identical, 1 otherwise, 2 \
            for an unreadable manifest.
            """
    )

    @Argument(help: "The manifest.json of a run.")
    var manifest: String

    @Flag(help: "Keep the temporary folder (its path is printed).")
    var keep = false

    func run() throws {
        let recorded: JSONObject
        do { recorded = try RunManifest.read(URL(fileURLWithPath: manifest)) } catch {
            printError("cannot read \(manifest): \(error)")
            throw ExitCode.invalidInput
        }
        guard let workflow = recorded["workflow"]?["file"]?.stringValue else {
            printError("\(manifest) records no workflow file")
            throw ExitCode.invalidInput
        }
        var differences = 0
        if let hash = recorded["workflow"]?["sha256"]?.stringValue, (try? SHA256.file(workflow).sha256) != hash {
            print("workflow changed: \(workflow)")
        }
        for (path, hash) in recorded["inputs"]?.objectValue ?? [:] where FileHashes().sha256(path) != hash.stringValue {
            print("input changed: \(path)")
        }
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("imjoy-run-verify-\(UUID().uuidString)")
        defer { if !keep { try? FileManager.default.removeItem(at: folder) } }
        var arguments = ["run", workflow, "--out", folder.path, "--no-cache", "--no-resume", "--no-progress"]
        if let format = recorded["run"]?["format"]?.stringValue { arguments += ["--format", format] }
        for (name, value) in recorded["run"]?["variables"]?.objectValue ?? [:] { arguments += ["--var", "\(name)=\(value.serialized())"] }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: Bundle.main.executablePath ?? CommandLine.arguments[0])
        process.arguments = arguments
        process.standardOutput = FileHandle.nullDevice
        try process.run()
        process.waitUntilExit()
        if process.terminationStatus != 0 { print("rerun exited with status \(process.terminationStatus)") }
        var fresh: [String: String] = [:]
        if let rerun = try? RunManifest.read(RunManifest.url(outputDirectory: folder.path)) {
            for output in rerun["outputs"]?.arrayValue ?? [] {
                if let path = output["path"]?.stringValue, let hash = output["sha256"]?.stringValue { fresh[path] = hash }
            }
        }
        var identical = 0
        var listed: Set<String> = []
        for output in recorded["outputs"]?.arrayValue ?? [] {
            guard let path = output["path"]?.stringValue, let hash = output["sha256"]?.stringValue else { continue }
            listed.insert(path)
            switch fresh[path] {
            case nil:
                print("missing    \(path)")
                differences += 1
            case hash?:
                print("identical  \(path)")
                identical += 1
            case let other?:
                print("different  \(path)  (recorded \(hash.prefix(12)), now \(other.prefix(12)))")
                differences += 1
            }
        }
        // Outputs the rerun made that the manifest does not list: the manifest is not this run's.
        for path in fresh.keys.sorted() where !listed.contains(path) {
            print("unlisted   \(path)  (made by the rerun, not in the manifest)")
            differences += 1
        }
        if keep { print("rerun kept in \(folder.path)") }
        print("\(identical) identical, \(differences) different or missing")
        if differences > 0 { throw ExitCode.someFailed }
    }
}
