import Foundation
import ImJoyPlugin
import TestSupport
import Testing

@testable import ImJoyEngine

/// `repo:` requirements clone into the environment, pinned by commit, and are on `sys.path`
/// and in the plugin's working folder, as ImJoy's engine cloned into it.
@Suite(.enabled(if: EnvironmentConditions.git, "needs git"))
struct RepositoryRequirementTests {
    /// A git repository `lib` with `helper.py`, one commit; its hash.
    static func repository(in fixture: EnvironmentFixture) throws -> (path: String, commit: String) {
        let path = fixture.path + "/lib"
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        try "VALUE = 'from the repo'\n".write(toFile: path + "/helper.py", atomically: true, encoding: .utf8)
        let git = ["git", "-c", "user.name=t", "-c", "user.email=t@t", "-c", "init.defaultBranch=main", "-C", path]
        for arguments in [["init", "-q"], ["add", "helper.py"], ["commit", "-q", "-m", "helper"]] {
            let result = try Subprocess(git + arguments).run()
            #expect(result.succeeded, "\(result.errorText)")
        }
        let head = try Subprocess(["git", "-C", path, "rev-parse", "HEAD"]).run()
        return (path, head.outputText)
    }

    @Test func aLocalRepositoryIsClonedPinnedAndImportable() throws {
        let fixture = try EnvironmentFixture()
        defer { fixture.remove() }
        let (repository, commit) = try Self.repository(in: fixture)
        let file = try fixture.plugin(
            "Repo", config: #""requirements": ["repo: \#(repository)"]"#, imports: "import helper",
            returns: #"{"value": helper.VALUE, "linked": os.path.exists(os.path.join(os.getcwd(), "lib", "helper.py"))}"#)
        let plugin = try Plugin(contentsOf: file)
        let environment = try PythonEnvironment.choose(for: plugin, options: fixture.options())
        let clone = environment.directory + "/repos/lib"
        #expect(try environment.plan().steps.map(\.description).contains("git clone --depth=1 \(repository) \(clone)"))

        // Without --allow-install the clone is only printed.
        var lines: [String] = []
        try environment.prepare(allowInstall: false, workDirectory: environment.directory + "/work", print: { lines.append($0) })
        #expect(lines.contains("would run (needs --allow-install): git clone --depth=1 \(repository) \(clone)"))
        #expect(environment.repositories.isEmpty)
        try FileManager.default.removeItem(atPath: environment.directory)

        try environment.prepare(allowInstall: true, workDirectory: environment.directory + "/work", print: { _ in })
        #expect(environment.repositories == [PythonEnvironment.Repository(url: repository, folder: clone, commit: commit)])

        // A later commit upstream does not change the prepared environment.
        try "VALUE = 'changed'\n".write(toFile: repository + "/helper.py", atomically: true, encoding: .utf8)
        _ = try Subprocess(["git", "-c", "user.name=t", "-c", "user.email=t@t", "-C", repository, "commit", "-qam", "change"]).run()
        lines = []
        try environment.prepare(allowInstall: true, workDirectory: environment.directory + "/work", print: { lines.append($0) })
        #expect(lines == ["environment ready: \(environment.directory)"])
        #expect(environment.repositories.first?.commit == commit)

        let summary = try fixture.run(plugins: ["r": file], ops: #"[{"id": "r", "plugin": "r"}]"#)
        #expect(summary.status == .succeeded, "\(summary.text)")
        #expect(try fixture.json("0/r.json")["value"] == "from the repo")
        #expect(try fixture.json("0/r.json")["linked"] == true)
    }
}
