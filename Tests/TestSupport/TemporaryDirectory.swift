import Foundation

/// A fresh temporary directory that removes itself (and everything in it) when the last
/// reference goes away: tests leave nothing in /tmp, even when they throw.
///
/// ```swift
/// let folder = try TemporaryDirectory("my-test")
/// try Data().write(to: folder.url.appendingPathComponent("a.bin"))
/// ```
public final class TemporaryDirectory: Sendable {
    public let url: URL

    public init(_ label: String = "imjoy-run-test") throws {
        url = try Fixtures.temporaryDirectory(label)
    }

    /// The directory's path.
    public var path: String { url.path }

    /// A path inside the directory.
    public func appending(_ component: String) -> URL { url.appendingPathComponent(component) }

    deinit { try? FileManager.default.removeItem(at: url) }
}

extension Fixtures {
    /// Runs `body` with a fresh temporary directory and removes the directory afterwards,
    /// whether `body` returns or throws.
    public static func withTemporaryDirectory<T>(_ label: String = "imjoy-run-test", _ body: (URL) throws -> T) throws -> T {
        let url = try temporaryDirectory(label)
        defer { try? FileManager.default.removeItem(at: url) }
        return try body(url)
    }
}
