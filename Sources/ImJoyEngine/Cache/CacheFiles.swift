import Foundation
import ImageIO

/// File helpers of the cache: hint files written in one step, blobs read whole and verified.
enum CacheFiles {
    /// Temporary sibling + rename, without fsync (index entries and hash records are hints).
    static func writeAtomicallyFast(_ data: Data, to url: URL) throws {
        try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
        let temporary = url.deletingLastPathComponent().appendingPathComponent(".\(url.lastPathComponent).\(getpid()).\(UUID().uuidString)")
        try data.withUnsafeBytes { try AtomicOutputFile.writeFile($0, to: temporary.path) }
        if rename(temporary.path, url.path) != 0 {
            try? FileManager.default.removeItem(at: temporary)
        }
    }

    /// Why a blob cannot be used.
    enum BlobProblem: Error, Equatable {
        case missing
        case size(actual: Int)
        case digest
    }

    /// Reads exactly `size` bytes (no intermediate `Data`), hashing each block as it arrives
    /// when `sha256` is given; fails when the file is missing, shorter or longer, or its digest
    /// differs.
    static func readBlob(_ path: String, size: Int, sha256 expected: String? = nil) -> Result<[UInt8], BlobProblem> {
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { return .failure(.missing) }
        defer { close(fd) }
        var hasher = expected == nil ? nil : SHA256()
        var done = 0
        let bytes = [UInt8](unsafeUninitializedCapacity: size) { buffer, count in
            while done < size {
                let n = read(fd, buffer.baseAddress! + done, min(size - done, 1 << 20))
                if n < 0 && errno == EINTR { continue }
                if n <= 0 { break }
                hasher?.update(UnsafeRawBufferPointer(start: buffer.baseAddress! + done, count: n))
                done += n
            }
            count = done
        }
        guard done == size else { return .failure(.size(actual: done)) }
        var extra: UInt8 = 0
        if read(fd, &extra, 1) > 0 {
            var info = stat()
            return .failure(.size(actual: fstat(fd, &info) == 0 ? Int(info.st_size) : size + 1))
        }
        if let expected, hasher?.finalizeHex() != expected { return .failure(.digest) }
        return .success(bytes)
    }
}
