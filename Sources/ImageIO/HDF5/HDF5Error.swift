/// A failure reading or writing an HDF5 file; every case names the file.
public enum HDF5Error: Error, CustomStringConvertible, Equatable, Sendable {
    /// The file cannot be opened or created, or is not HDF5.
    case cannotOpen(file: String, reason: String)
    /// No object at `path`, or it is not of the expected kind.
    case notFound(file: String, path: String)
    /// A datatype or layout ImageIO does not read or write.
    case unsupported(file: String, path: String, reason: String)
    /// Reading failed (damaged or truncated data, failed decompression).
    case readFailed(file: String, path: String, reason: String)
    /// The dataset would need more memory than allowed (absurd dimensions).
    case tooLarge(file: String, path: String, byteCount: Int, limit: Int)
    /// Writing failed.
    case writeFailed(file: String, path: String, reason: String)

    /// The file the error concerns.
    public var file: String {
        switch self {
        case .cannotOpen(let file, _), .notFound(let file, _), .unsupported(let file, _, _), .readFailed(let file, _, _),
            .tooLarge(let file, _, _, _), .writeFailed(let file, _, _):
            file
        }
    }

    public var description: String {
        switch self {
        case .cannotOpen(let file, let reason): "\(file): not a readable HDF5 file: \(reason)"
        case .notFound(let file, let path): "\(file): no dataset or group \(path)"
        case .unsupported(let file, let path, let reason): "\(file): \(path): unsupported: \(reason)"
        case .readFailed(let file, let path, let reason): "\(file): \(path): read failed: \(reason)"
        case .tooLarge(let file, let path, let n, let limit):
            "\(file): \(path): dataset needs \(n) bytes, more than the limit of \(limit) bytes"
        case .writeFailed(let file, let path, let reason): "\(file): \(path): write failed: \(reason)"
        }
    }
}
