import Foundation

#if canImport(Glibc)
    import Glibc
#endif

/// A file written under a temporary sibling name and renamed into place on ``commit()``.
///
/// A crash or error never leaves a half-written file under the final name: writers create
/// ``temporaryURL``, fill it, then call ``commit()``; ``discard()`` (or forgetting to commit)
/// removes the temporary file.
public final class AtomicOutputFile {
    /// Where the file ends up.
    public let destination: URL
    /// The temporary sibling the writer fills (same directory, so the rename is atomic).
    public let temporaryURL: URL
    /// Whether ``commit()`` flushes the file and its directory to disk before and after the rename.
    public let synchronizes: Bool
    private var finished = false

    /// Reserves a temporary sibling of `destination`.
    public init(destination: URL, synchronizes: Bool = false) {
        self.destination = destination
        self.synchronizes = synchronizes
        let directory = destination.deletingLastPathComponent()
        let name = ".\(destination.lastPathComponent).tmp-\(getpid())-\(UInt32.random(in: 0...UInt32.max))"
        self.temporaryURL = directory.appendingPathComponent(name)
    }

    /// Writes `bytes` to ``temporaryURL`` (created or truncated) with plain `write` calls.
    ///
    /// Prefer this to `Data.write(to:)`, which `fsync`s every file it writes (swift-foundation
    /// does so even without `.atomic`): durability is ``commit()``'s job, and only when
    /// ``synchronizes`` asks for it.
    public func write<Bytes: ContiguousBytes>(_ bytes: Bytes) throws(ImageIOFileError) {
        do {
            try bytes.withUnsafeBytes { try Self.writeFile($0, to: temporaryURL.path) }
        } catch {
            discard()
            throw ImageIOFileError(file: destination, reason: (error as? ImageIOFileError)?.reason ?? "\(error)")
        }
    }

    /// Writes `bytes` to a new (or truncated) file at `path` straight from memory, without `fsync`.
    public static func writeFile(_ bytes: UnsafeRawBufferPointer, to path: String) throws(ImageIOFileError) {
        let fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o644)
        guard fd >= 0 else {
            throw ImageIOFileError(file: URL(fileURLWithPath: path), reason: "cannot create: \(String(cString: strerror(errno)))")
        }
        defer { close(fd) }
        var done = 0
        while done < bytes.count {
            let n = Glibc.write(fd, bytes.baseAddress! + done, bytes.count - done)
            if n < 0 && errno == EINTR { continue }
            guard n > 0 else {
                throw ImageIOFileError(file: URL(fileURLWithPath: path), reason: "write failed: \(WriteFailure.text(errno: errno))")
            }
            done += n
        }
    }

    /// Moves the temporary file to ``destination`` (after an `fsync` when ``synchronizes``).
    ///
    /// - Throws: ``ImageIOFileError`` when the file cannot be synchronised or renamed.
    public func commit() throws(ImageIOFileError) {
        guard !finished else { return }
        finished = true
        if synchronizes {
            try Self.fsync(path: temporaryURL.path, file: destination)
        }
        guard rename(temporaryURL.path, destination.path) == 0 else {
            let reason = String(cString: strerror(errno))
            unlink(temporaryURL.path)
            throw ImageIOFileError(file: destination, reason: "cannot rename into place: \(reason)")
        }
        if synchronizes {
            try? Self.fsync(path: destination.deletingLastPathComponent().path, file: destination)
        }
    }

    /// Removes the temporary file.
    public func discard() {
        guard !finished else { return }
        finished = true
        unlink(temporaryURL.path)
    }

    deinit { discard() }

    private static func fsync(path: String, file: URL) throws(ImageIOFileError) {
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { throw ImageIOFileError(file: file, reason: "cannot open for fsync: \(String(cString: strerror(errno)))") }
        defer { close(fd) }
        guard Glibc.fsync(fd) == 0 else {
            throw ImageIOFileError(file: file, reason: "fsync failed: \(WriteFailure.text(errno: errno))")
        }
    }
}

/// A failure preparing or moving an output file.
public struct ImageIOFileError: Error, CustomStringConvertible, Equatable, Sendable {
    /// The file concerned.
    public var file: URL
    /// What went wrong.
    public var reason: String

    public init(file: URL, reason: String) {
        self.file = file
        self.reason = reason
    }

    public var description: String { "\(file.path): \(reason)" }
}
