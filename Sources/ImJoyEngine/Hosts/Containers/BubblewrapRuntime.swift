/// bubblewrap: a root-file-system folder as `/`, unprivileged:
/// `bwrap --bind ROOT / --dev /dev --proc /proc --bind SRC DST … --chdir DIR --setenv K V -- CMD…`.
/// Only root folders; nothing but the binds is seen from the host.
public struct BubblewrapRuntime: ContainerRuntime {
    public var executable: String

    public init(executable: String = "bwrap") { self.executable = executable }

    public func runs(_ image: ContainerImage) -> Bool {
        if case .rootFolder = image { return true }
        return false
    }

    public func commandLine(
        image: ContainerImage, command: [String], binds: [ContainerBind], workingDirectory: String, environment: [String: String]
    ) -> [String] {
        var line = [executable, "--bind", image.description, "/", "--dev", "/dev", "--proc", "/proc", "--die-with-parent"]
        for bind in binds { line += [bind.readOnly ? "--ro-bind" : "--bind", bind.source, bind.destination] }
        line += ["--chdir", workingDirectory]
        for (name, value) in environment.sorted(by: { $0.key < $1.key }) { line += ["--setenv", name, value] }
        return line + ["--"] + command
    }
}
