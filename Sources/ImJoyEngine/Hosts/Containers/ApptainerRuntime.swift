/// Apptainer or Singularity: `apptainer exec --cleanenv --bind SRC:DST[:ro] --pwd DIR --env K=V IMAGE CMD…`.
/// Runs `docker://` references, `.sif` files and root folders ("sandbox" images).
public struct ApptainerRuntime: ContainerRuntime {
    public var executable: String

    public init(executable: String = "apptainer") { self.executable = executable }

    public func runs(_ image: ContainerImage) -> Bool { true }

    public func commandLine(
        image: ContainerImage, command: [String], binds: [ContainerBind], workingDirectory: String, environment: [String: String]
    ) -> [String] {
        var line = [executable, "exec", "--cleanenv"]
        for bind in binds { line += ["--bind", bind.source + ":" + bind.destination + (bind.readOnly ? ":ro" : "")] }
        line += ["--pwd", workingDirectory]
        for (name, value) in environment.sorted(by: { $0.key < $1.key }) { line += ["--env", name + "=" + value] }
        return line + [image.description] + command
    }
}
