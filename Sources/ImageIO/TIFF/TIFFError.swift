import Foundation

/// A failure reading or writing a TIFF file; every case names the file.
public enum TIFFError: Error, CustomStringConvertible, Equatable, Sendable {
    /// The file cannot be opened or is not a TIFF (empty, truncated header, other format).
    case cannotOpen(file: String, reason: String)
    /// The file uses a layout ImageIO does not read (bit depth, sample format, colour model).
    case unsupported(file: String, reason: String)
    /// The data is damaged or truncated.
    case corrupt(file: String, page: Int, reason: String)
    /// Decoding would need more memory than allowed (absurd dimensions).
    case tooLarge(file: String, byteCount: Int, limit: Int)
    /// The pages differ in shape or type, so they do not form a stack.
    case inconsistentPages(file: String, page: Int, reason: String)
    /// The array cannot be written as requested.
    case invalidArray(file: String, reason: String)
    /// libtiff or the file system failed while writing.
    case writeFailed(file: String, reason: String)

    /// The file the error concerns.
    public var file: String {
        switch self {
        case .cannotOpen(let file, _), .unsupported(let file, _), .corrupt(let file, _, _),
            .tooLarge(let file, _, _), .inconsistentPages(let file, _, _), .invalidArray(let file, _),
            .writeFailed(let file, _):
            file
        }
    }

    public var description: String {
        switch self {
        case .cannotOpen(let file, let reason): "\(file): not a readable TIFF file: \(reason)"
        case .unsupported(let file, let reason): "\(file): unsupported TIFF: \(reason)"
        case .corrupt(let file, let page, let reason): "\(file): corrupt TIFF data in page \(page): \(reason)"
        case .tooLarge(let file, let n, let limit):
            "\(file): TIFF image needs \(n) bytes, more than the limit of \(limit) bytes"
        case .inconsistentPages(let file, let page, let reason): "\(file): page \(page) does not match page 0: \(reason)"
        case .invalidArray(let file, let reason): "\(file): cannot write TIFF: \(reason)"
        case .writeFailed(let file, let reason): "\(file): writing TIFF failed: \(reason)"
        }
    }
}
