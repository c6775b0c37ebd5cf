import CHDF5
import Foundation

/// The single lock every HDF5 call goes through.
///
/// Debian's libhdf5 is thread-safe only through one global lock of its own, and other builds are
/// not thread-safe at all, so ImageIO serialises all HDF5 calls here; compression runs outside it.
/// Inside the lock the library's automatic error printing is off (it is per-thread in thread-safe
/// builds) and the error stack is turned into Swift error messages.
enum HDF5Library {
    /// Recursive, so not a Mutex: an ``HDF5Object`` released inside a locked section closes its
    /// id through ``withLock(_:)`` again. It guards libhdf5's state, not Swift state.
    private static let lock = NSRecursiveLock()

    /// Runs `body` holding the HDF5 lock with error printing switched off.
    static func withLock<R, E: Error>(_ body: () throws(E) -> R) throws(E) -> R {
        lock.lock()
        defer { lock.unlock() }
        _ = noCleanupAtExit
        CHDF5_silenceErrorStack()
        return try body()
    }

    /// Turns off libhdf5's `atexit` clean-up before the library's first call. That clean-up
    /// closes files still open at exit, and closing a file whose writes failed (a full disk)
    /// dereferences freed metadata inside libhdf5 and crashes the process after the run has
    /// reported its error. ImageIO closes every file it commits; one still open at exit was
    /// never committed, and its temporary name is removed by ``AtomicOutputFile`` or left as a
    /// dot-file, never under its final name.
    private static let noCleanupAtExit: Void = { _ = H5dont_atexit() }()

    /// File access properties for every file ImageIO opens: HDF5's `flock` file locking off.
    ///
    /// HDF5 opens files without `O_CLOEXEC`, so a child process started while a file is open
    /// inherits the descriptor and its lock, and a later open in this process fails with
    /// "unable to lock file". ImageIO never shares a file while writing it (writes go to a
    /// temporary sibling and are renamed into place), so the lock buys nothing.
    static let fileAccess: HDF5Object = withLock {
        let properties = H5Pcreate(CHDF5_H5P_FILE_ACCESS())
        _ = H5Pset_file_locking(properties, false, true)
        return HDF5Object(properties)!
    }

    /// The current thread's HDF5 error stack as one line (innermost first), then clears it.
    /// Call inside ``withLock(_:)``.
    static func takeErrorStack(_ fallback: String) -> String {
        var text = CHDF5_ErrorText()
        CHDF5_takeErrorStack(&text)
        let message = withUnsafeBytes(of: text.message) { raw in String(decoding: raw.prefix { $0 != 0 }, as: UTF8.self) }
        let cause = fullDiskCause(message).map { "\($0): " } ?? ""
        return message.isEmpty ? fallback : "\(cause)\(fallback): \(message)"
    }

    /// "no space left on device (ENOSPC)" when HDF5's message carries `errno = 28` (or another
    /// full-disk errno), else `nil`.
    static func fullDiskCause(_ message: String) -> String? {
        guard let range = message.range(of: "errno = ") else { return nil }
        let digits = message[range.upperBound...].prefix { $0.isNumber }
        guard let code = Int32(digits) else { return nil }
        return WriteFailure.fullDisk[code]
    }
}

/// An HDF5 identifier closed with the right `H5?close` when released (inside the lock).
///
/// Sendable because the id is immutable and every use of it goes through the HDF5 lock.
// @unchecked: the id is immutable and every use of it happens inside the HDF5 lock.
final class HDF5Object: @unchecked Sendable {
    let id: hid_t

    /// Takes ownership of `id`; `nil` when `id` is negative (a failed call).
    init?(_ id: hid_t) {
        guard id >= 0 else { return nil }
        self.id = id
    }

    deinit {
        HDF5Library.withLock {
            switch H5Iget_type(id) {
            case H5I_FILE: _ = H5Fclose(id)
            case H5I_GROUP: _ = H5Gclose(id)
            case H5I_DATASET: _ = H5Dclose(id)
            case H5I_DATATYPE: _ = H5Tclose(id)
            case H5I_DATASPACE: _ = H5Sclose(id)
            case H5I_ATTR: _ = H5Aclose(id)
            case H5I_GENPROP_LST: _ = H5Pclose(id)
            default: _ = H5Idec_ref(id)
            }
        }
    }
}
