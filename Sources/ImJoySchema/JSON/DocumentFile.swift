import Foundation

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// Reads a text document (a workflow, a plugin file, a CSV table) whole, refusing what would
/// hang or exhaust memory: non-regular files (a FIFO blocks a reader forever, `/dev/zero` and
/// `/proc` files never end) and files above a size limit.
public enum DocumentFile {
    /// The largest workflow file read (16 MiB).
    public static let maximumWorkflowBytes = 16 << 20
    /// The largest plugin file read (32 MiB).
    public static let maximumPluginBytes = 32 << 20
    /// The largest CSV input table read (64 MiB).
    public static let maximumCSVBytes = 64 << 20

    /// Why a document could not be read; the description is one line without the path, to follow
    /// "cannot read PATH: ".
    public enum ReadError: Error, CustomStringConvertible, Sendable, Equatable {
        case cannotOpen(reason: String)
        case notRegular(kind: String)
        case tooLarge(bytes: Int, limit: Int)
        case readFailed(reason: String)

        public var description: String {
            switch self {
            case .cannotOpen(let reason), .readFailed(let reason): reason
            case .notRegular(let kind): "it is \(kind), not a regular file"
            case .tooLarge(let bytes, let limit): "it is \(bytes) bytes, above the limit of \(limit) bytes"
            }
        }
    }

    /// The bytes of the regular file at `path`, at most `limit` of them.
    public static func read(_ path: String, limit: Int) throws(ReadError) -> Data {
        // O_NONBLOCK: opening a FIFO must not wait for a writer; fstat then refuses it.
        let fd = open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC)
        guard fd >= 0 else { throw .cannotOpen(reason: String(cString: strerror(errno))) }
        defer { close(fd) }
        var info = stat()
        guard fstat(fd, &info) == 0 else { throw .readFailed(reason: String(cString: strerror(errno))) }
        if let kind = nonRegularKind(mode: info.st_mode) { throw .notRegular(kind: kind) }
        if let area = kernelArea(path) { throw .notRegular(kind: "a file under \(area)") }
        guard Int(info.st_size) <= limit else { throw .tooLarge(bytes: Int(info.st_size), limit: limit) }
        var data = Data()
        var buffer = [UInt8](repeating: 0, count: 1 << 16)
        while true {
            let count = buffer.withUnsafeMutableBytes { systemRead(fd, $0.baseAddress, $0.count) }
            if count < 0 {
                if errno == EINTR { continue }
                throw .readFailed(reason: String(cString: strerror(errno)))
            }
            if count == 0 { return data }
            data.append(contentsOf: buffer[0..<count])
            // The file may have grown since fstat.
            guard data.count <= limit else { throw .tooLarge(bytes: data.count, limit: limit) }
        }
    }

    /// "a FIFO (named pipe)", "a character device", … for a mode that is not a regular file or
    /// a directory; `nil` otherwise.
    public static func nonRegularKind(mode: mode_t) -> String? {
        switch mode & S_IFMT {
        case S_IFREG, S_IFDIR: nil
        case S_IFIFO: "a FIFO (named pipe)"
        case S_IFCHR: "a character device"
        case S_IFBLK: "a block device"
        case S_IFSOCK: "a socket"
        case S_IFLNK: "a symbolic link"
        default: "not a regular file"
        }
    }

    /// `/proc`, `/sys` or `/dev` when the real path of `path` lies under one of them: kernel
    /// interfaces whose files report size 0 and may never end or block.
    public static func kernelArea(_ path: String) -> String? {
        guard let resolved = realpath(path, nil) else { return nil }
        defer { free(resolved) }
        let real = String(cString: resolved)
        for area in ["/proc", "/sys", "/dev"] where real == area || real.hasPrefix(area + "/") {
            return area
        }
        return nil
    }
}

#if canImport(Glibc)
    private let systemRead = Glibc.read
#else
    private let systemRead = Darwin.read
#endif
