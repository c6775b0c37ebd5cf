import Foundation
import ImJoyPlugin
import TestSupport
import Testing

@testable import ImJoyEngine

/// The command lines of each container tool, and a plugin run for real in a root folder
/// through bubblewrap (docs/plugin-hosts.md, "Containers").
@Suite struct ContainerRuntimeTests {
    static let binds = [ContainerBind("/dev/shm"), ContainerBind("/data/out"), ContainerBind("/opt/py", readOnly: true)]

    @Test func apptainerBindsFoldersAndPassesVariables() {
        let line = ApptainerRuntime(executable: "apptainer").commandLine(
            image: ContainerImage("docker://python:3.11", base: "/"), command: ["python3"], binds: Self.binds,
            workingDirectory: "/data/out/w", environment: ["PYTHONUNBUFFERED": "1"])
        #expect(
            line == [
                "apptainer", "exec", "--cleanenv", "--bind", "/dev/shm:/dev/shm", "--bind", "/data/out:/data/out", "--bind",
                "/opt/py:/opt/py:ro",
                "--pwd", "/data/out/w", "--env", "PYTHONUNBUFFERED=1", "docker://python:3.11", "python3",
            ])
    }

    @Test func podmanAndDockerShareIPCAndRunAsTheUser() {
        let image = ContainerImage("docker://python:3.11", base: "/")
        let podman = OCIRuntime(executable: "/usr/bin/podman", user: (1000, 100)).commandLine(
            image: image, command: ["python3"], binds: Self.binds, workingDirectory: "/data/out/w", environment: ["A": "b"])
        #expect(
            podman == [
                "/usr/bin/podman", "run", "--rm", "-i", "--ipc=host", "--userns=keep-id", "-v", "/dev/shm:/dev/shm", "-v",
                "/data/out:/data/out",
                "-v", "/opt/py:/opt/py:ro", "-w", "/data/out/w", "-e", "A=b", "python:3.11", "python3",
            ])
        let docker = OCIRuntime(executable: "docker", user: (1000, 100)).commandLine(
            image: image, command: ["python3"], binds: [], workingDirectory: "/w", environment: [:])
        #expect(docker == ["docker", "run", "--rm", "-i", "--ipc=host", "--user", "1000:100", "-w", "/w", "python:3.11", "python3"])
        #expect(!OCIRuntime(executable: "docker", user: (0, 0)).runs(ContainerImage("x.sif", base: "/")))
    }

    @Test func imagesAreClassifiedAndAToolThatCannotRunOneIsAClearError() {
        #expect(ContainerImage("img.sif", base: "/p") == .file("/p/img.sif"))
        #expect(ContainerImage("root", base: "/p") == .rootFolder("/p/root"))
        #expect(ContainerImage("docker://ubuntu", base: "/p") == .registry("docker://ubuntu"))
        #expect { try ContainerRuntimes.select(for: .file("/x.sif"), named: "/usr/bin/docker", path: nil, plugin: "P") } throws: {
            "\($0)".contains("docker cannot run the container /x.sif")
        }
        #expect { try ContainerRuntimes.select(for: .registry("docker://x"), named: nil, path: "/nonexistent", plugin: "P") } throws: {
            "\($0)".contains("no container runtime on PATH runs docker://x")
        }
        #expect(ContainerBind(parsing: "/a:/b:ro") == ContainerBind("/a", at: "/b", readOnly: true))
        #expect(ContainerBind(parsing: "relative") == nil)
    }

    /// A minimal root: empty mount points, a marker file; /usr, /lib, /lib64, /bin and the
    /// Python installation bound read-only (`IMJOY_CONTAINER_BINDS`, as `--container-bind` sets it).
    static func minimalRoot(in fixture: EnvironmentFixture, python: PythonInterpreter.Found) throws -> [String] {
        let root = fixture.path + "/root"
        for folder in ["usr", "lib", "lib64", "bin", "etc", "tmp"] {
            try FileManager.default.createDirectory(atPath: root + "/" + folder, withIntermediateDirectories: true)
        }
        try "inside".write(toFile: root + "/only-in-root.txt", atomically: true, encoding: .utf8)
        let prefix = try Subprocess([python.path, "-c", "import sys; print(sys.base_prefix)"]).run().outputText
        var binds = ["/usr:ro", "/lib:ro", "/bin:ro"] + (FileManager.default.fileExists(atPath: "/lib64") ? ["/lib64:ro"] : [])
        if !prefix.hasPrefix("/usr") { binds.append(prefix + ":ro") }
        return binds
    }

    static let boxedReturns = """
        {"root_file": os.path.exists("/only-in-root.txt"), "home": os.path.exists("/home"),
                     "array": np.arange(600000, dtype="float32") if ctx.get("data") is None else float(np.asarray(ctx["data"], dtype="float64").sum())}
        """

    @Test(
        .enabled(
            if: EnvironmentConditions.bubblewrap && RunTestConditions.pythonWithNumpy,
            "needs bwrap allowed to run here, and python3 with numpy"))
    func aPluginRunsInARootFolderThroughBubblewrapWithArraysInSharedMemory() throws {
        let fixture = try EnvironmentFixture()
        defer { fixture.remove() }
        let python = try #require(PythonInterpreter.probe(try PythonInterpreter.resolve("python3")[0]))
        setenv("IMJOY_CONTAINER_BINDS", try Self.minimalRoot(in: fixture, python: python).joined(separator: ","), 1)
        defer { unsetenv("IMJOY_CONTAINER_BINDS") }
        let file = try fixture.plugin("Boxed", config: #""container": "root""#, imports: "import numpy as np", returns: Self.boxedReturns)
        let summary = try fixture.run(
            plugins: ["b": file],
            ops: #"[{"id": "make", "plugin": "b", "data": null}, {"id": "sum", "plugin": "b", "data": "$make.array"}]"#,
            python: python.path)
        #expect(summary.status == .succeeded, "\(summary.text)")
        // `make` (an array of 2.4 MB, through /dev/shm) feeds `sum`, which reports what it saw.
        let sum = try fixture.json("0/sum.json")
        #expect(sum["root_file"] == true)
        #expect(sum["home"] == false)
        #expect(sum["array"]?.doubleValue == Double(599_999) * 600_000 / 2)
    }

    @Test(
        .enabled(
            if: EnvironmentConditions.bubblewrap && RunTestConditions.pythonWithNumpy,
            "needs bwrap allowed to run here, and python3 with numpy"))
    func aWorkflowOpNamesTheContainerOfItsPlugin() throws {
        let fixture = try EnvironmentFixture()
        defer { fixture.remove() }
        let python = try #require(PythonInterpreter.probe(try PythonInterpreter.resolve("python3")[0]))
        setenv("IMJOY_CONTAINER_BINDS", try Self.minimalRoot(in: fixture, python: python).joined(separator: ","), 1)
        defer { unsetenv("IMJOY_CONTAINER_BINDS") }
        let file = try fixture.plugin("Plain", imports: "import numpy as np", returns: Self.boxedReturns)
        let summary = try fixture.run(
            plugins: ["boxed": file, "plain": file],
            ops:
                #"[{"id": "in", "plugin": "boxed", "data": null, "container": "root"}, {"id": "out", "plugin": "plain", "data": null, "after": "in"}]"#,
            python: python.path)
        #expect(summary.status == .succeeded, "\(summary.text)")
        #expect(try fixture.json("0/in.json")["root_file"] == true)
        #expect(try fixture.json("0/in.json")["home"] == false)
        #expect(try fixture.json("0/out.json")["root_file"] == false, "the op without a container runs on the host")
        #expect(try fixture.json("0/out.json")["home"] == .bool(FileManager.default.fileExists(atPath: "/home")))
    }
}
