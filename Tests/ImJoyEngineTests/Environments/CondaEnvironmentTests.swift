import Foundation
import ImJoyPlugin
import TestSupport
import Testing

@testable import ImJoyEngine

/// conda environments are tested by the commands they run (no conda channel is reachable
/// here): a fake `conda` on PATH records its arguments.
@Suite struct CondaEnvironmentTests {
    /// A folder with a `conda` script that appends its arguments to `calls.txt` and, for
    /// `create -p DIR`, makes DIR/bin/python a link to `python`.
    static func fakeConda(in fixture: EnvironmentFixture, python: String) throws -> String {
        let bin = fixture.path + "/bin"
        try FileManager.default.createDirectory(atPath: bin, withIntermediateDirectories: true)
        let script = """
            #!/bin/sh
            echo "$@" >> \(fixture.path)/calls.txt
            if [ "$1" = create ]; then
              while [ $# -gt 0 ]; do if [ "$1" = -p ]; then mkdir -p "$2/bin"; ln -sf \(python) "$2/bin/python"; fi; shift; done
            fi
            """
        try script.write(toFile: bin + "/conda", atomically: true, encoding: .utf8)
        try FileManager.default.setAttributes([.posixPermissions: 0o755], ofItemAtPath: bin + "/conda")
        return bin + ":/usr/bin:/bin"
    }

    @Test func condaCreateBecomesAPrefixEnvironmentAndThePluginRunsInIt() throws {
        let fixture = try EnvironmentFixture()
        defer { fixture.remove() }
        let python = try #require(
            PythonInterpreter.probe("/usr/bin/python3") ?? PythonInterpreter.probe(try PythonInterpreter.resolve("python3")[0]))
        let toolPath = try Self.fakeConda(in: fixture, python: python.path)
        let plugin = try Plugin(
            contentsOf: try fixture.plugin(
                "Conda",
                config:
                    #""env": "conda create -n seg python=3.6 -c conda-forge", "requirements": ["conda: cudatoolkit=10.1", "pip: tifffile"]"#,
                returns: "1"))
        let environment = try PythonEnvironment.choose(for: plugin, options: fixture.options(toolPath: toolPath))
        let conda = fixture.path + "/bin/conda"
        #expect(environment.conda?.path == conda)
        let dir = environment.directory
        let steps = try environment.plan().steps
        #expect(
            steps.map(\.description) == [
                "\(conda) create python=3.6 -c conda-forge -y -p \(dir)",
                "\(conda) install -y -p \(dir) cudatoolkit=10.1",
                "\(dir)/bin/python -m pip install --disable-pip-version-check -q tifffile",
            ])
        #expect(steps.allSatisfy { $0.needsPermission })
        // Without --allow-install nothing runs, and the error says what would.
        #expect { try environment.prepare(allowInstall: false, workDirectory: dir + "/work", print: { _ in }) } throws: { error in
            "\(error)".contains("only with --allow-install") && "\(error)".contains("create python=3.6")
        }
        #expect(!FileManager.default.fileExists(atPath: fixture.path + "/calls.txt"))
    }

    @Test func withoutCondaPyPINamesGoToPipWithAWarningAndCondaOnlyNamesFail() throws {
        let fixture = try EnvironmentFixture()
        defer { fixture.remove() }
        let options = fixture.options(toolPath: "/nonexistent")
        let pipable = try Plugin(
            contentsOf: try fixture.plugin(
                "Fallback", config: #""requirements": ["conda: scikit-image=0.19 conda-forge::tifffile"]"#, returns: "1"))
        let environment = try PythonEnvironment.choose(
            for: pipable,
            options: PythonHostOptions(
                interpreter: "python3", environmentCache: options.environmentCache, toolPath: "/nonexistent"))
        let plan = try environment.plan()
        #expect(
            plan.warnings == [
                "no conda, mamba or micromamba on PATH: conda: packages installed with pip instead: scikit-image==0.19.* tifffile"
            ])
        #expect(
            plan.steps.last?.description
                == "\(environment.python) -m pip install --disable-pip-version-check -q scikit-image==0.19.* tifffile")
        #expect(plan.steps.last?.needsPermission == true)
        let condaOnly = try Plugin(
            contentsOf: try fixture.plugin(
                "Cuda", config: #""requirements": ["conda: numpy cudatoolkit"]"#, returns: "1"))
        let failing = try PythonEnvironment.choose(
            for: condaOnly,
            options: PythonHostOptions(
                interpreter: "python3", environmentCache: options.environmentCache, toolPath: "/nonexistent"))
        #expect { try failing.plan() } throws: { "\($0)".contains("conda: requirement cudatoolkit has no pip package") }
    }

    @Test func allowInstallRunsTheRewrittenCommandsAndRunUsesThePrefix() throws {
        let fixture = try EnvironmentFixture()
        defer { fixture.remove() }
        let python = try #require(PythonInterpreter.probe(try PythonInterpreter.resolve("python3")[0]))
        let toolPath = try Self.fakeConda(in: fixture, python: python.path)
        let plugin = try Plugin(
            contentsOf: try fixture.plugin("Made", config: #""env": "conda create --name=x python=3.11""#, returns: "1"))
        let environment = try PythonEnvironment.choose(for: plugin, options: fixture.options(toolPath: toolPath))
        try environment.prepare(allowInstall: true, workDirectory: environment.directory + "/work", print: { _ in })
        #expect(environment.isReady)
        let calls = try String(contentsOfFile: fixture.path + "/calls.txt", encoding: .utf8)
        #expect(calls == "create python=3.11 -y -p \(environment.directory)\n")
        let launch = try PythonRuntime.launch(
            for: plugin, options: fixture.options(toolPath: toolPath), stateDirectory: fixture.path + "/state")
        #expect(launch.interpreter == [environment.python])
        #expect(launch.environment["VIRTUAL_ENV"] == environment.directory)
    }
}
