import ArgumentParser
import Foundation
import ImJoyEngine

/// Options of the commands that start plugin processes (`run`, `verify`, `check-functional`, and
/// `slurm`, which hands them to each task's `run`): which
/// interpreters serve Python and web-worker plugins, and where script URLs are found offline.
struct PluginHostArguments: ParsableArguments {
    @Option(help: "The Python interpreter for Python plugins (over the version a plugin asks for and its cmd).")
    var python: String?

    @Option(help: "More folders to find pythonX.Y in, colon-separated (also IMJOY_PYTHON_SEARCH).")
    var pythonSearch: String?

    @Option(
        help:
            "The container tool for plugins that name a container: apptainer, singularity, podman, docker or bwrap (default: the first on PATH that runs the image; also IMJOY_CONTAINER_RUNTIME)."
    )
    var containerRuntime: String?

    @Option(help: "A folder to bind into containers, SRC[:DST][:ro] (repeatable; also IMJOY_CONTAINER_BINDS, comma-separated).")
    var containerBind: [String] = []

    @Option(help: "The Node.js executable for web-worker plugins (default: node, then nodejs, on PATH).")
    var node: String?

    @Option(help: "Local copies of web-worker plugins' script URLs (default: ~/.cache/imjoy-run/js; `imjoy-run js-cache`).")
    var jsCache: String?

    /// These options as `run` takes them, for the job scripts of `imjoy-run slurm`: each task gets
    /// them on its command line, whatever the site's sbatch `--export` policy passes on.
    /// Relative paths become absolute (a task may start in another folder).
    var commandLine: [String] {
        var arguments: [String] = []
        if let python { arguments += ["--python", Self.absoluteIfPath(python)] }
        if let pythonSearch {
            let folders = pythonSearch.split(separator: ":").map { Self.absoluteIfPath(String($0)) }
            arguments += ["--python-search", folders.joined(separator: ":")]
        }
        if let containerRuntime { arguments += ["--container-runtime", containerRuntime] }
        for bind in containerBind { arguments += ["--container-bind", bind] }
        if let node { arguments += ["--node", Self.absoluteIfPath(node)] }
        if let jsCache { arguments += ["--js-cache", Self.absoluteIfPath(jsCache)] }
        return arguments
    }

    /// `value` made absolute when it names a file by path (has a `/`); a bare command name stays.
    private static func absoluteIfPath(_ value: String) -> String {
        guard value.contains("/"), !value.hasPrefix("/") else { return value }
        return SlurmCommand.absolute(value)
    }

    /// `--node` and `--js-cache` as the hosts take them.
    var javascript: JavaScriptHostOptions { JavaScriptHostOptions(node: node, cacheDirectory: jsCache) }

    /// `--python-search`, `--container-runtime` and `--container-bind` become the variables the
    /// hosts read (so Slurm array tasks, which inherit the environment, see them too).
    mutating func validate() throws {
        for bind in containerBind where ContainerBind(parsing: bind) == nil {
            throw ValidationError("--container-bind \(bind): expected an absolute SRC[:DST][:ro]")
        }
        if let pythonSearch { setenv("IMJOY_PYTHON_SEARCH", pythonSearch, 1) }
        if let containerRuntime { setenv("IMJOY_CONTAINER_RUNTIME", containerRuntime, 1) }
        if !containerBind.isEmpty {
            let inherited = ProcessInfo.processInfo.environment["IMJOY_CONTAINER_BINDS"].map { [$0] } ?? []
            setenv("IMJOY_CONTAINER_BINDS", (inherited + containerBind).joined(separator: ","), 1)
        }
    }
}
