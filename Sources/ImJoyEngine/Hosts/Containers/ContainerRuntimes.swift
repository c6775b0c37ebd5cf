import Foundation

#if canImport(Glibc)
    import Glibc
#endif

/// Picks the tool that runs an image.
public enum ContainerRuntimes {
    /// The tools tried, in order, when none is named.
    static let preference = ["apptainer", "singularity", "podman", "docker", "bwrap"]

    /// The runtime named `name` (`apptainer`, `singularity`, `podman`, `docker`, `bwrap`, or a
    /// path to one), else the first of ``preference`` on `path` that runs `image` (a root
    /// folder prefers `bwrap`).
    public static func select(for image: ContainerImage, named name: String?, path: String?, plugin: String) throws(PluginHostError)
        -> any ContainerRuntime
    {
        if let name {
            guard let executable = name.contains("/") ? name : Subprocess.which(name, path: path) else {
                throw PluginHostError(.start("the container runtime \(name) is not on PATH"), runtime: .python, plugin: plugin)
            }
            guard let runtime = make(executable), runtime.runs(image) else {
                throw PluginHostError(
                    .start(
                        "\(name) cannot run the container \(image) (apptainer/singularity: any; podman/docker: docker://…; bwrap: a root folder)"
                    ),
                    runtime: .python, plugin: plugin)
            }
            return runtime
        }
        var order = preference
        if case .rootFolder = image { order = ["bwrap"] + order.filter { $0 != "bwrap" } }
        for tool in order {
            if let executable = Subprocess.which(tool, path: path), let runtime = make(executable), runtime.runs(image) { return runtime }
        }
        throw PluginHostError(
            .start(
                "no container runtime on PATH runs \(image); install Apptainer (any image), Podman or Docker (docker://…) or bubblewrap (a root folder), or name one with --container-runtime"
            ),
            runtime: .python, plugin: plugin)
    }

    /// The runtime type of a tool by its file name.
    static func make(_ executable: String) -> (any ContainerRuntime)? {
        switch (executable as NSString).lastPathComponent {
        case "apptainer", "singularity": ApptainerRuntime(executable: executable)
        case "podman", "docker": OCIRuntime(executable: executable, user: (getuid(), getgid()))
        case "bwrap": BubblewrapRuntime(executable: executable)
        default: nil
        }
    }
}
