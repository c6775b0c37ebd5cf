/// A tool that runs a plugin host inside a container image: it turns the interpreter's command
/// line into one that runs it inside (``HostLaunch`` appends `-u imjoy_host.py`).
///
/// One type per tool: ``ApptainerRuntime`` (Apptainer, Singularity), ``OCIRuntime`` (Podman,
/// Docker), ``BubblewrapRuntime`` (`bwrap`, a root-file-system folder).
public protocol ContainerRuntime: Sendable {
    /// The tool's executable (an absolute path, or a name looked up on PATH).
    var executable: String { get }
    /// Whether the tool runs `image` (`docker://…`, a `.sif` file, a root folder).
    func runs(_ image: ContainerImage) -> Bool
    /// The command line that runs `command` inside `image`, with `binds` mounted at their own
    /// paths, in `workingDirectory`, with `environment` set inside.
    func commandLine(
        image: ContainerImage, command: [String], binds: [ContainerBind], workingDirectory: String, environment: [String: String]
    ) -> [String]
}

/// A folder of the host seen inside the container.
public struct ContainerBind: Sendable, Hashable, CustomStringConvertible {
    public var source: String
    public var destination: String
    public var readOnly: Bool

    public init(_ source: String, at destination: String? = nil, readOnly: Bool = false) {
        self.source = source
        self.destination = destination ?? source
        self.readOnly = readOnly
    }

    /// `SRC[:DST][:ro]` (`--container-bind`).
    public init?(parsing text: String) {
        var parts = text.split(separator: ":").map(String.init)
        let readOnly = parts.count > 1 && (parts.last == "ro" || parts.last == "rw") ? parts.removeLast() == "ro" : false
        guard let source = parts.first, source.hasPrefix("/"), parts.count <= 2 else { return nil }
        self.init(source, at: parts.count == 2 ? parts[1] : nil, readOnly: readOnly)
    }

    public var description: String { source + (destination == source ? "" : ":" + destination) + (readOnly ? ":ro" : "") }
}

/// What a plugin or op names as its container.
public enum ContainerImage: Sendable, Hashable, CustomStringConvertible {
    /// `docker://REF` (also `oras://`, `library://` for Apptainer).
    case registry(String)
    /// A Singularity/Apptainer image file (`*.sif`).
    case file(String)
    /// A root file system folder.
    case rootFolder(String)

    /// Classifies `text`; a relative path is taken from `base`.
    public init(_ text: String, base: String) {
        if text.contains("://") {
            self = .registry(text)
            return
        }
        let path = text.hasPrefix("/") ? text : base + "/" + text
        self = text.hasSuffix(".sif") || text.hasSuffix(".simg") ? .file(path) : .rootFolder(path)
    }

    public var description: String {
        switch self {
        case .registry(let reference): reference
        case .file(let path), .rootFolder(let path): path
        }
    }

    /// `REF` without `docker://` (Podman and Docker name images so).
    var ociReference: String {
        guard case .registry(let reference) = self else { return description }
        return reference.hasPrefix("docker://") ? String(reference.dropFirst("docker://".count)) : reference
    }
}
