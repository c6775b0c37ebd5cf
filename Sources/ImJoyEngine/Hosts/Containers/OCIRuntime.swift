/// Podman or Docker: `podman run --rm -i --ipc=host …`. Runs `docker://` references
/// (given without the scheme). The host's `/dev/shm` is shared (`--ipc=host` and a bind), the
/// process runs as the calling user (Docker: `--user UID:GID`; Podman: `--userns=keep-id`).
public struct OCIRuntime: ContainerRuntime {
    public var executable: String
    /// The calling user's ids (Docker's `--user`).
    public var user: (uid: UInt32, gid: UInt32)

    public init(executable: String, user: (uid: UInt32, gid: UInt32)) {
        self.executable = executable
        self.user = user
    }

    var isPodman: Bool { executable.hasSuffix("podman") }

    public func runs(_ image: ContainerImage) -> Bool {
        if case .registry(let reference) = image { return reference.hasPrefix("docker://") }
        return false
    }

    public func commandLine(
        image: ContainerImage, command: [String], binds: [ContainerBind], workingDirectory: String, environment: [String: String]
    ) -> [String] {
        var line = [executable, "run", "--rm", "-i", "--ipc=host"]
        line += isPodman ? ["--userns=keep-id"] : ["--user", "\(user.uid):\(user.gid)"]
        for bind in binds { line += ["-v", bind.source + ":" + bind.destination + (bind.readOnly ? ":ro" : "")] }
        line += ["-w", workingDirectory]
        for (name, value) in environment.sorted(by: { $0.key < $1.key }) { line += ["-e", name + "=" + value] }
        return line + [image.ociReference] + command
    }
}
