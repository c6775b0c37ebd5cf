import Foundation
import ImJoyPlugin
import TestSupport
import Testing

@testable import ImJoyEngine

/// A plugin's `python=X.Y` chooses an installed interpreter, and each interpreter gets its own
/// environment (docs/plugin-hosts.md, "Environments").
@Suite struct InterpreterSelectionTests {
    @Test func versionComesFromPythonVersionThenCondaCreate() throws {
        let fixture = try EnvironmentFixture()
        defer { fixture.remove() }
        let env = try Plugin(contentsOf: try fixture.plugin("A", config: #""env": "conda create -n a python=3.6.8 numpy""#, returns: "1"))
        #expect(PythonVersionRequest.version(of: env) == "3.6")
        let field = try Plugin(
            contentsOf: try fixture.plugin("B", config: #""python_version": 3.9, "env": "conda create -n b python=3.6""#, returns: "1"))
        #expect(PythonVersionRequest.version(of: field) == "3.9")
        let none = try Plugin(contentsOf: try fixture.plugin("C", config: #""env": "conda create -n c numpy""#, returns: "1"))
        #expect(PythonVersionRequest.version(of: none) == nil)
    }

    @Test func aMissingVersionIsOneErrorSayingWhatToInstall() throws {
        let fixture = try EnvironmentFixture()
        defer { fixture.remove() }
        let plugin = try Plugin(contentsOf: try fixture.plugin("Old", config: #""env": "conda create -n old python=3.99""#, returns: "1"))
        #expect { try PythonEnvironment.choose(for: plugin, options: fixture.options()) } throws: { error in
            let text = "\(error)"
            return text.contains("Python 3.99") && text.contains("pyenv install 3.99") && text.contains("--python PATH")
                && text.contains("--python-search") && !text.contains("\n")
        }
    }

    @Test(
        .enabled(if: EnvironmentConditions.python37 != nil && EnvironmentConditions.python311 != nil, "needs Python 3.7 and 3.11 installed")
    )
    func pluginsPinnedToTwoVersionsGetTheirOwnEnvironmentsAndRun() throws {
        let fixture = try EnvironmentFixture()
        defer { fixture.remove() }
        let returns = #"{"version": "%d.%d" % sys.version_info[:2], "prefix": sys.prefix}"#
        let old = try fixture.plugin("Py37", config: #""env": "conda create -n py37 python=3.7""#, returns: returns)
        let new = try fixture.plugin("Py311", config: #""env": ["conda create -n py311 python=3.11"]"#, returns: returns)
        var directories: [String: String] = [:]
        for (name, file) in [("3.7", old), ("3.11", new)] {
            let environment = try PythonEnvironment.choose(for: try Plugin(contentsOf: file), options: fixture.options())
            #expect(environment.base?.minorVersion == name)
            #expect(environment.conda == nil)
            let skipped = try environment.prepare(allowInstall: false, workDirectory: environment.directory + "/work", print: { _ in })
            #expect(skipped.isEmpty, "a plugin without requirements needs no permission")
            #expect(environment.isReady)
            directories[name] = environment.directory
        }
        #expect(directories["3.7"] != directories["3.11"])
        // One workflow each (an op consumed by the next is not written).
        for (alias, file) in [("old", old), ("new", new)] {
            let summary = try fixture.run(
                plugins: [alias: file], ops: #"[{"id": "\#(alias)", "plugin": "\#(alias)"}]"#, out: "out-" + alias)
            #expect(summary.status == .succeeded, "\(summary.text)")
        }
        #expect(try fixture.json("0/old.json", out: "out-old")["version"] == "3.7")
        #expect(try fixture.json("0/new.json", out: "out-new")["version"] == "3.11")
        #expect(try fixture.json("0/old.json", out: "out-old")["prefix"]?.stringValue == directories["3.7"])
        #expect(try fixture.json("0/new.json", out: "out-new")["prefix"]?.stringValue == directories["3.11"])
    }

    @Test(
        .enabled(if: EnvironmentConditions.python37 != nil && EnvironmentConditions.python311 != nil, "needs Python 3.7 and 3.11 installed")
    )
    func anotherInterpreterIsAnotherEnvironment() throws {
        let fixture = try EnvironmentFixture()
        defer { fixture.remove() }
        let plugin = try Plugin(contentsOf: try fixture.plugin("Any", returns: "1"))
        let old = try PythonEnvironment.choose(for: plugin, options: fixture.options(interpreter: EnvironmentConditions.python37?.path))
        let new = try PythonEnvironment.choose(for: plugin, options: fixture.options(interpreter: EnvironmentConditions.python311?.path))
        #expect(old.directory != new.directory)
        try old.prepare(allowInstall: false, workDirectory: old.directory + "/work", print: { _ in })
        #expect(old.isReady && !new.isReady, "an environment of 3.7 is not one of 3.11")
        // The plan is exactly what runs: the venv of the chosen interpreter.
        let steps = try new.plan().steps
        #expect(
            steps.map(\.arguments) == [
                [EnvironmentConditions.python311!.path, "-m", "venv", "--system-site-packages", "--without-pip", new.directory]
            ])
    }

    @Test(.enabled(if: EnvironmentConditions.python37 != nil, "needs Python 3.7 installed"))
    func anUnpreparedPluginRunsWithTheInterpreterOfItsVersion() throws {
        let fixture = try EnvironmentFixture()
        defer { fixture.remove() }
        let file = try fixture.plugin(
            "Direct", config: #""python_version": "3.7""#, returns: #"{"version": "%d.%d" % sys.version_info[:2]}"#)
        let summary = try fixture.run(plugins: ["d": file], ops: #"[{"id": "d", "plugin": "d"}]"#)
        #expect(summary.status == .succeeded, "\(summary.text)")
        #expect(try fixture.json("0/d.json")["version"] == "3.7")
    }

    @Test(.enabled(if: EnvironmentConditions.python37 != nil, "needs Python 3.7 installed"))
    func searchFoldersAndPyenvRootsAreLookedIn() throws {
        let fixture = try EnvironmentFixture()
        defer { fixture.remove() }
        let real = try #require(EnvironmentConditions.python37).path
        let bare = ["PATH": "/nonexistent", "HOME": "/nonexistent"]
        #expect(PythonInterpreter.find(version: "3.7", search: [], environment: bare) == nil)
        // --python-search: a folder holding python3.7.
        let folder = fixture.path + "/pythons"
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        try FileManager.default.createSymbolicLink(atPath: folder + "/python3.7", withDestinationPath: real)
        #expect(PythonInterpreter.find(version: "3.7", search: [folder], environment: bare)?.minorVersion == "3.7")
        #expect(PythonInterpreter.find(version: "3.8", search: [folder], environment: bare) == nil, "a python3.7 is not 3.8")
        // $PYENV_ROOT/versions/3.7.*/bin/python3.7.
        let pyenv = fixture.path + "/pyenv/versions/3.7.99/bin"
        try FileManager.default.createDirectory(atPath: pyenv, withIntermediateDirectories: true)
        try FileManager.default.createSymbolicLink(atPath: pyenv + "/python3.7", withDestinationPath: real)
        var rooted = bare
        rooted["PYENV_ROOT"] = fixture.path + "/pyenv"
        #expect(PythonInterpreter.find(version: "3.7", search: [], environment: rooted)?.version.hasPrefix("3.7.") == true)
    }
}
