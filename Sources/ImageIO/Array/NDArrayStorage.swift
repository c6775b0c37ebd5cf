import Foundation
import ImJoySchema

#if canImport(Glibc)
    import Glibc
#endif

/// The contiguous buffer behind one or more ``NDArray`` values.
///
/// Small buffers come from the allocator; buffers of 2 MiB and more are anonymous mappings aligned
/// to 2 MiB and advised for transparent huge pages (first touch is several times faster on VMs);
/// shared buffers map a file in `/dev/shm` so another process can map the same pages.
/// The storage is a ``JSONByteStorage``, so ``JSONBytes`` can reference it without copying.
// @unchecked: the buffer is written before it is shared (arrays are copy-on-write); the fields are immutable.
public final class NDArrayStorage: JSONByteStorage, @unchecked Sendable {
    // MARK: - Properties

    /// The number of bytes.
    public let byteCount: Int
    /// The first byte (2 MiB-aligned for large anonymous buffers).
    public let baseAddress: UnsafeMutableRawPointer
    /// The `/dev/shm` file this storage maps, if it is shared memory.
    public let sharedMemoryPath: String?
    private let release: Release

    private enum Release {
        case free
        case unmap(UnsafeMutableRawPointer, Int)
    }

    /// The byte size from which buffers are huge-page-aligned mappings.
    public static let hugePageSize = 2 << 20

    // MARK: - Creation

    /// Allocates `byteCount` zeroed bytes.
    ///
    /// - Throws: ``NDArrayError/allocationFailed(byteCount:)`` when memory is not available.
    public init(zeroedByteCount byteCount: Int) throws(NDArrayError) {
        precondition(byteCount >= 0)
        self.byteCount = byteCount
        self.sharedMemoryPath = nil
        if byteCount < Self.hugePageSize {
            guard let pointer = calloc(max(byteCount, 1), 1) else {
                throw .allocationFailed(byteCount: byteCount)
            }
            baseAddress = pointer
            release = .free
            return
        }
        // Over-map by one huge page, then trim to a 2 MiB-aligned window.
        let page = Self.hugePageSize
        let length = (byteCount + page - 1) / page * page
        guard length <= Int.max - page,
            let raw = mmap(nil, length + page, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0),
            raw != MAP_FAILED
        else { throw .allocationFailed(byteCount: byteCount) }
        let address = UInt(bitPattern: raw)
        let aligned = (address + UInt(page) - 1) / UInt(page) * UInt(page)
        let head = Int(aligned - address)
        if head > 0 { munmap(raw, head) }
        let tail = page - head
        let alignedPointer = UnsafeMutableRawPointer(bitPattern: aligned)!
        if tail > 0 { munmap(alignedPointer + length, tail) }
        _ = madvise(alignedPointer, length, Int32(MADV_HUGEPAGE))
        baseAddress = alignedPointer
        release = .unmap(alignedPointer, length)
    }

    /// Maps a file in `/dev/shm`, creating it (exclusively) with `byteCount` zero bytes or opening
    /// an existing one, which must hold at least `byteCount` bytes.
    init(sharedMemoryName name: String, byteCount: Int, create: Bool) throws(NDArrayError) {
        guard !name.isEmpty, !name.contains("/"), name != ".", name != ".." else {
            throw .sharedMemory(name: name, reason: "invalid name")
        }
        let path = "/dev/shm/" + name
        let fd = create ? open(path, O_RDWR | O_CREAT | O_EXCL | O_CLOEXEC, 0o600) : open(path, O_RDWR | O_CLOEXEC)
        guard fd >= 0 else { throw .sharedMemory(name: name, reason: String(cString: strerror(errno))) }
        defer { close(fd) }
        if create {
            guard ftruncate(fd, off_t(byteCount)) == 0 else {
                let reason = String(cString: strerror(errno))
                unlink(path)
                throw .sharedMemory(name: name, reason: reason)
            }
        } else {
            var info = stat()
            guard fstat(fd, &info) == 0, Int(info.st_size) >= byteCount else {
                throw .sharedMemory(name: name, reason: "file is smaller than \(byteCount) bytes")
            }
        }
        let length = max(byteCount, 1)
        guard let raw = mmap(nil, length, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0), raw != MAP_FAILED else {
            let reason = String(cString: strerror(errno))
            if create { unlink(path) }
            throw .sharedMemory(name: name, reason: reason)
        }
        self.byteCount = byteCount
        self.baseAddress = raw
        self.sharedMemoryPath = path
        self.release = .unmap(raw, length)
    }

    /// A private copy of `other` (anonymous memory, never shared).
    convenience init(copying other: NDArrayStorage) throws(NDArrayError) {
        try self.init(zeroedByteCount: other.byteCount)
        baseAddress.copyMemory(from: other.baseAddress, byteCount: byteCount)
    }

    deinit {
        switch release {
        case .free: free(baseAddress)
        case .unmap(let pointer, let length): munmap(pointer, length)
        }
    }

    // MARK: - Access

    public func withUnsafeBytes<R>(_ body: (UnsafeRawBufferPointer) throws -> R) rethrows -> R {
        try body(UnsafeRawBufferPointer(start: baseAddress, count: byteCount))
    }

    /// Calls `body` with the mutable bytes. The caller guarantees exclusive access.
    public func withUnsafeMutableBytes<R>(_ body: (UnsafeMutableRawBufferPointer) throws -> R) rethrows -> R {
        try body(UnsafeMutableRawBufferPointer(start: baseAddress, count: byteCount))
    }

    /// Removes the `/dev/shm` file (the mapping stays valid until the storage is released).
    public func unlinkSharedMemory() {
        if let path = sharedMemoryPath { unlink(path) }
    }
}
