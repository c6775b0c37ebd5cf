import Foundation
import ImJoySchema

#if canImport(Glibc)
    import Glibc
#endif

/// The file-system operations of the Zarr store: capped reads, plain writes, `mkdir -p`, and the
/// metadata documents.
enum ZarrFiles {
    /// The bytes of the file at `path`, or `nil` when it does not exist; files over `limit` bytes
    /// are refused before they are read.
    static func read(_ path: String, limit: Int, store: String, location: String) throws(ZarrError) -> [UInt8]? {
        try withRegularFile(path, store: store, location: location) { (fd, size) throws(ZarrError) in
            guard size <= limit else {
                throw ZarrError(
                    .tooLarge, store: store, location: location, reason: "file of \(size) bytes exceeds the limit of \(limit) bytes")
            }
            return try readFully(fd, range: 0..<size, store: store, location: location)
        }
    }

    /// The bytes of `range` of the file at `path` (fewer when the file ends first) and its size,
    /// or `nil` when it does not exist.
    static func read(_ path: String, range: ZarrByteRange, store: String, location: String) throws(ZarrError) -> ZarrPartialRead? {
        try withRegularFile(path, store: store, location: location) { (fd, size) throws(ZarrError) in
            let bytes = try readFully(fd, range: range.resolved(size: size), store: store, location: location)
            return ZarrPartialRead(bytes: bytes, objectSize: size)
        }
    }

    /// `body` with the open descriptor and size of the regular file at `path`, or `nil` when
    /// there is no such file.
    private static func withRegularFile<T>(
        _ path: String, store: String, location: String, _ body: (Int32, Int) throws(ZarrError) -> T
    ) throws(ZarrError) -> T? {
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else {
            if errno == ENOENT || errno == ENOTDIR { return nil }
            throw ZarrError(.io, store: store, location: location, reason: "cannot open: \(lastError())")
        }
        defer { close(fd) }
        var info = stat()
        guard fstat(fd, &info) == 0 else { throw ZarrError(.io, store: store, location: location, reason: "cannot stat: \(lastError())") }
        guard (info.st_mode & S_IFMT) == S_IFREG else {
            throw ZarrError(.invalidMetadata, store: store, location: location, reason: "not a regular file")
        }
        return try body(fd, Int(info.st_size))
    }

    /// The bytes at `range` of the open file `fd` (`pread`, retried on EINTR); an error when the
    /// file ends first (it shrank while reading).
    private static func readFully(_ fd: Int32, range: Range<Int>, store: String, location: String) throws(ZarrError) -> [UInt8] {
        var failure: String?
        let bytes = [UInt8](unsafeUninitializedCapacity: range.count) { buffer, count in
            var done = 0
            while done < range.count {
                let n = pread(fd, buffer.baseAddress! + done, range.count - done, off_t(range.lowerBound + done))
                if n < 0 && errno == EINTR { continue }
                if n < 0 { failure = lastError() }
                if n <= 0 { break }
                done += n
            }
            count = done
        }
        if let failure { throw ZarrError(.io, store: store, location: location, reason: "read failed: \(failure)") }
        guard bytes.count == range.count else {
            throw ZarrError(.io, store: store, location: location, reason: "file shrank while reading")
        }
        return bytes
    }

    /// Writes `bytes` to a new (or truncated) file at `path`, without `fsync`.
    static func write(_ bytes: UnsafeRawBufferPointer, to path: String, store: String, location: String) throws(ZarrError) {
        let fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o644)
        guard fd >= 0 else { throw ZarrError(.io, store: store, location: location, reason: "cannot create: \(lastError())") }
        defer { close(fd) }
        var done = 0
        while done < bytes.count {
            let n = Glibc.write(fd, bytes.baseAddress! + done, bytes.count - done)
            if n < 0 && errno == EINTR { continue }
            guard n > 0 else { throw ZarrError(.io, store: store, location: location, reason: "write failed: \(lastError())") }
            done += n
        }
    }

    /// Writes the bytes of `array` to a new (or truncated) file at `path`.
    static func write(_ array: [UInt8], to path: String, store: String, location: String) throws(ZarrError) {
        let failure: ZarrError? = array.withUnsafeBytes { raw in
            do throws(ZarrError) {
                try write(raw, to: path, store: store, location: location)
                return nil
            } catch {
                return error
            }
        }
        if let failure { throw failure }
    }

    /// Writes a JSON document (pretty-printed, keys in the order given).
    static func writeJSON(_ value: JSONValue, to path: String, store: String, location: String) throws(ZarrError) {
        var bytes = Array(value.serialized(.prettyPrinted).utf8)
        bytes.append(UInt8(ascii: "\n"))
        try write(bytes, to: path, store: store, location: location)
    }

    /// Parses the JSON document at `path` (relative name `file`), or `nil` when it does not exist.
    static func readJSON(_ path: String, store: String, file: String) throws(ZarrError) -> ZarrJSONField? {
        guard let bytes = try read(path, limit: ZarrLimits.maximumMetadataBytes, store: store, location: file) else { return nil }
        return try ZarrJSONField.parse(bytes, store: store, file: file)
    }

    /// Creates `path` and its missing parents; an existing directory is fine (safe to race).
    static func makeDirectories(_ path: String, store: String) throws(ZarrError) {
        if mkdir(path, 0o755) == 0 || errno == EEXIST { return }
        guard errno == ENOENT else { throw ZarrError(.io, store: store, location: path, reason: "cannot create directory: \(lastError())") }
        let parent = (path as NSString).deletingLastPathComponent
        guard !parent.isEmpty, parent != path else { throw ZarrError(.io, store: store, location: path, reason: "cannot create directory") }
        try makeDirectories(parent, store: store)
        guard mkdir(path, 0o755) == 0 || errno == EEXIST else {
            throw ZarrError(.io, store: store, location: path, reason: "cannot create directory: \(lastError())")
        }
    }

    /// Whether something exists at `path`.
    static func exists(_ path: String) -> Bool {
        var info = stat()
        return stat(path, &info) == 0
    }

    /// Removes a file or directory tree, ignoring a missing one.
    static func removeTree(_ path: String) {
        try? FileManager.default.removeItem(atPath: path)
    }

    static func lastError() -> String { String(cString: strerror(errno)) }
}
