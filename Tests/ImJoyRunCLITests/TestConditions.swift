import Foundation
import TestSupport

/// What the machine offers the end-to-end tests; a test that needs what is missing is skipped
/// with `.enabled(if:)` and its reason, never returned green.
enum TestConditions {
    /// python3 with numpy, tifffile, h5py and scipy (scripts/setup installs them).
    static let pythonWithNumpy: Bool = {
        let result = try? CommandRunner.python("import numpy, tifffile, h5py, scipy")
        return result?.status == 0
    }()

    /// python3 with zarr-python 3 (and numcodecs), to read and write OME-Zarr stores.
    static let zarrPython: Bool = {
        let result = try? CommandRunner.python("import zarr, numcodecs; assert int(zarr.__version__.split('.')[0]) >= 3")
        return result?.status == 0
    }()

    /// Node.js on PATH (node or nodejs), for web-worker plugins.
    static let node: Bool = {
        let path = ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin"
        return path.split(separator: ":").contains { folder in
            ["node", "nodejs"].contains { FileManager.default.isExecutableFile(atPath: "\(folder)/\($0)") }
        }
    }()

    /// Chromium, for the report screenshot.
    static let chromium: URL? = ["/usr/bin/chromium", "/usr/bin/chromium-browser"]
        .first(where: FileManager.default.isExecutableFile).map(URL.init(fileURLWithPath:))
}
