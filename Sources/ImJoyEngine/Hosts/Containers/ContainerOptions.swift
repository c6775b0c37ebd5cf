import Foundation

/// How plugin hosts run in containers (`--container-runtime`, `--container-bind`).
public struct ContainerOptions: Sendable {
    /// `apptainer`, `singularity`, `podman`, `docker`, `bwrap` (or a path to one); `nil`: the
    /// first on PATH that runs the image. Default: `IMJOY_CONTAINER_RUNTIME`.
    public var runtime: String?
    /// More folders to bind (the tool's own, Python installations, data folders elsewhere).
    public var binds: [ContainerBind]
    /// A container for every plugin that names none (a workflow op's `container`).
    public var image: String?

    /// Defaults: `IMJOY_CONTAINER_RUNTIME`, and `IMJOY_CONTAINER_BINDS` (`SRC[:DST][:ro]`, comma-separated).
    public init(
        runtime: String? = ProcessInfo.processInfo.environment["IMJOY_CONTAINER_RUNTIME"],
        binds: [ContainerBind] = (ProcessInfo.processInfo.environment["IMJOY_CONTAINER_BINDS"] ?? "").split(separator: ",").compactMap {
            ContainerBind(parsing: String($0))
        },
        image: String? = nil
    ) {
        self.runtime = runtime
        self.binds = binds
        self.image = image
    }
}
