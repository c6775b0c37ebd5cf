import Foundation

/// A container format (``ArrayFormatCapabilities/namedArrays``) whose files take one array at a
/// time, from concurrent writers (threads and processes: each add is atomic and locked by the
/// format itself). The engine's output writer adds a run's arrays to per-item and shared
/// containers through it. HDF5 does not conform: its files go through the engine's
/// `SharedHDF5Files`, which keeps one writer per shared file and orders the writes by item.
public protocol ArrayContainerFormat: ArrayFormat {
    /// Adds `array` as `path` (components separated by `/`) to the container at `url`, creating
    /// it if needed and replacing an array already at `path`.
    func add(_ array: NDArray, at path: String, to url: URL, options: ArrayWriteOptions) throws
}
