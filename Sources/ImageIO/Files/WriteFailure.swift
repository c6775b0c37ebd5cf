import Foundation

#if canImport(Glibc)
    import Glibc
#endif

/// Names the file-system cause of a failed write, so a full disk reads as one.
///
/// libtiff and libhdf5 report write failures in their own words ("Write error at scanline 0",
/// "file write failed … errno = 28"); ``cause(errno:directory:)`` turns the `errno` captured
/// after the failure, or a file system with no free blocks left, into
/// "no space left on device (ENOSPC)".
public enum WriteFailure {
    /// `errno` values that mean "the disk (or the quota, or the file size limit) is full".
    static let fullDisk: [Int32: String] = [
        ENOSPC: "no space left on device (ENOSPC)",
        EDQUOT: "disk quota exceeded (EDQUOT)",
        EFBIG: "file too large (EFBIG)",
    ]

    /// The full-disk cause of a write failure in `directory`, or `nil`: `code` (an `errno` taken
    /// right after the failure) when it is ENOSPC, EDQUOT or EFBIG, else ENOSPC when the file
    /// system holding `directory` has no free block left.
    public static func cause(errno code: Int32, directory: String) -> String? {
        if let text = fullDisk[code] { return text }
        var info = statvfs()
        if statvfs(directory, &info) == 0, info.f_bavail == 0 { return fullDisk[ENOSPC] }
        return nil
    }

    /// `reason` with the full-disk cause in front when there is one.
    public static func reason(_ reason: String, errno code: Int32, file: String) -> String {
        guard let cause = cause(errno: code, directory: (file as NSString).deletingLastPathComponent) else { return reason }
        return reason.lowercased().contains(cause.prefix(20)) ? reason : "\(cause): \(reason)"
    }

    /// The text of `errno` `code` (`strerror`), with the full-disk names above.
    public static func text(errno code: Int32) -> String {
        fullDisk[code] ?? String(cString: strerror(code))
    }
}
