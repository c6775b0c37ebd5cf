import Foundation
import ImJoyPlugin

#if canImport(Glibc)
    import Glibc
#endif

/// A plugin host to start inside a container: the image, the tool, and what is bound in.
struct ContainerLaunch: Sendable {
    var image: ContainerImage
    var runtime: any ContainerRuntime
    /// The binds of every start (the host program, /dev/shm, state and out folders, the
    /// working folder, `--container-bind`).
    var binds: [ContainerBind]

    /// The container `plugin` names (its `container` field, else `options.image`), or `nil`.
    ///
    /// - Throws: ``PluginHostError`` when no tool on PATH runs the image.
    static func of(_ plugin: Plugin, options: ContainerOptions, toolPath: String?, stateDirectory: String) throws(PluginHostError)
        -> ContainerLaunch?
    {
        guard let name = plugin.config.fields["container"]?.stringValue ?? options.image, !name.isEmpty else { return nil }
        let cwd = FileManager.default.currentDirectoryPath
        let folder = (plugin.file as NSString).deletingLastPathComponent
        let image = ContainerImage(name, base: plugin.file.hasPrefix("/") ? folder : cwd + (folder.isEmpty ? "" : "/" + folder))
        let runtime = try ContainerRuntimes.select(for: image, named: options.runtime, path: toolPath, plugin: plugin.config.name)
        let state = stateDirectory.hasPrefix("/") ? stateDirectory : cwd + "/" + stateDirectory
        try? FileManager.default.createDirectory(atPath: state, withIntermediateDirectories: true)
        var binds = [ContainerBind("/dev/shm")]
        // The out folder holds the state folder by default (OUT/.imjoy-run).
        let parent = (state as NSString).deletingLastPathComponent
        binds.append(ContainerBind((state as NSString).lastPathComponent == ".imjoy-run" ? parent : state))
        if cwd != "/" { binds.append(ContainerBind(cwd)) }
        binds += options.binds
        return ContainerLaunch(image: image, runtime: runtime, binds: binds)
    }

    /// The command line of a host: `interpreter` inside the image, the host program bound
    /// read-only, in `workDirectory`, with the plugin's variables and Python's settings.
    func commandLine(interpreter: [String], hostScript: String, workDirectory: String, environment: [String: String]) -> [String] {
        let program = ContainerBind((hostScript as NSString).deletingLastPathComponent, readOnly: true)
        var binds = [program] + binds
        if workDirectory != "/",
            !binds.contains(where: { workDirectory.hasPrefix($0.destination + "/") || workDirectory == $0.destination })
        {
            binds.append(ContainerBind(workDirectory))
        }
        let passed = environment.filter { Self.passes($0.key) }
        return runtime.commandLine(image: image, command: interpreter, binds: binds, workingDirectory: workDirectory, environment: passed)
    }

    /// The variables that go inside: Python's, imjoy-run's, and the plugin's own.
    private static func passes(_ name: String) -> Bool {
        name.hasPrefix("PYTHON") || name.hasPrefix("IMJOY") || ProcessInfo.processInfo.environment[name] == nil
    }
}
