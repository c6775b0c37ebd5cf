import Foundation

/// Locations of the shared test fixtures (Tests/Fixtures), the samples and ../shared.
public enum Fixtures {
    /// The package root, found from this source file's path.
    public static let packageRoot: URL = {
        URL(fileURLWithPath: #filePath)  // .../Tests/TestSupport/Fixtures.swift
            .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    }()

    /// Tests/Fixtures.
    public static let directory = packageRoot.appendingPathComponent("Tests/Fixtures")

    /// A file under Tests/Fixtures.
    public static func url(_ relativePath: String) -> URL {
        directory.appendingPathComponent(relativePath)
    }

    /// The text of a file under Tests/Fixtures.
    public static func text(_ relativePath: String) throws -> String {
        try String(contentsOf: url(relativePath), encoding: .utf8)
    }

    /// samples/ at the package root.
    public static let samples = packageRoot.appendingPathComponent("samples")

    /// `../shared` beside the checkout (CI has it), or `nil` when absent.
    public static let shared: URL? = {
        let url = packageRoot.deletingLastPathComponent().appendingPathComponent("shared")
        return FileManager.default.fileExists(atPath: url.path) ? url : nil
    }()

    /// A fresh temporary directory; the caller removes it (`defer`). Prefer ``TemporaryDirectory``
    /// or ``withTemporaryDirectory(_:_:)``, which remove it as soon as the test is done. Whatever a
    /// test forgets is removed when the test process exits: the folder's name carries the
    /// process id (`imjoy-test-<pid>-<label>-<uuid>`), and an exit handler removes this process's.
    public static func temporaryDirectory(_ label: String = "imjoy-run-test") throws -> URL {
        _ = removeAtExit
        let url = FileManager.default.temporaryDirectory
            .appendingPathComponent("\(processPrefix)\(label)-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        return url
    }

    /// The name prefix of this process's temporary folders.
    static var processPrefix: String { "imjoy-test-\(getpid())-" }

    /// Installs (once) the exit handler that removes this process's temporary folders.
    private static let removeAtExit: Void = {
        atexit { Fixtures.removeTemporaryDirectoriesOfThisProcess() }
    }()

    /// Removes every temporary folder this process made and did not remove.
    static func removeTemporaryDirectoriesOfThisProcess() {
        let base = FileManager.default.temporaryDirectory
        let prefix = processPrefix
        for name in (try? FileManager.default.contentsOfDirectory(atPath: base.path)) ?? [] where name.hasPrefix(prefix) {
            try? FileManager.default.removeItem(at: base.appendingPathComponent(name))
        }
    }

    /// The built `imjoy-run` executable next to the test bundle.
    public static var imjoyRunExecutable: URL {
        var dir = Bundle.main.bundleURL
        for _ in 0..<4 {
            let candidate = dir.appendingPathComponent("imjoy-run")
            if FileManager.default.isExecutableFile(atPath: candidate.path) { return candidate }
            dir = dir.deletingLastPathComponent()
        }
        return packageRoot.appendingPathComponent(".build/debug/imjoy-run")
    }
}
