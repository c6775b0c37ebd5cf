import COpenSSL
import Foundation

/// SHA-256 through OpenSSL's libcrypto (the EVP digest API), which uses the CPU's SHA extensions
/// where it has them: about 1.1 GB/s here, against 150 MB/s for the hand-written Swift version
/// this replaced (hashing the inputs was a fifth of a cold run's CPU time). libcrypto is already
/// in every process through libhdf5; swift-crypto would double a clean build.
///
/// A value type: a copy made mid-stream hashes on independently (copy-on-write of the context).
public struct SHA256: Sendable {
    // @unchecked: the EVP context is used by one value at a time; a shared one is copied before a write.
    private final class Context: @unchecked Sendable {
        let pointer: OpaquePointer

        init() {
            pointer = EVP_MD_CTX_new()!
            EVP_DigestInit_ex(pointer, EVP_sha256(), nil)
        }

        init(copying other: Context) {
            pointer = EVP_MD_CTX_new()!
            EVP_MD_CTX_copy_ex(pointer, other.pointer)
        }

        deinit { EVP_MD_CTX_free(pointer) }
    }

    private var context = Context()

    public init() {}

    private mutating func uniqueContext() -> OpaquePointer {
        if !isKnownUniquelyReferenced(&context) { context = Context(copying: context) }
        return context.pointer
    }

    public mutating func update(_ data: some DataProtocol) {
        let pointer = uniqueContext()
        for region in data.regions {
            region.withUnsafeBytes { bytes in
                if let base = bytes.baseAddress, bytes.count > 0 { EVP_DigestUpdate(pointer, base, bytes.count) }
            }
        }
    }

    /// Adds `bytes` (no copy).
    public mutating func update(_ bytes: UnsafeRawBufferPointer) {
        let pointer = uniqueContext()
        if let base = bytes.baseAddress, bytes.count > 0 { EVP_DigestUpdate(pointer, base, bytes.count) }
    }

    /// The digest as 64 lowercase hex digits; the hasher starts over afterwards.
    public mutating func finalizeHex() -> String {
        let pointer = uniqueContext()
        var digest = [UInt8](repeating: 0, count: 32)
        var length: UInt32 = 0
        EVP_DigestFinal_ex(pointer, &digest, &length)
        EVP_DigestInit_ex(pointer, EVP_sha256(), nil)
        let hex: [UInt8] = Array("0123456789abcdef".utf8)
        var text = [UInt8]()
        text.reserveCapacity(64)
        for byte in digest.prefix(Int(length)) {
            text.append(hex[Int(byte >> 4)])
            text.append(hex[Int(byte & 0x0f)])
        }
        return String(decoding: text, as: UTF8.self)
    }

    /// The hex digest of `data`.
    public static func hex(_ data: some DataProtocol) -> String {
        var hasher = SHA256()
        hasher.update(data)
        return hasher.finalizeHex()
    }

    /// The hex digest and size of the file at `path`, read in 1 MiB blocks into one buffer.
    public static func file(_ path: String) throws -> (sha256: String, size: Int) {
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { throw CocoaError(.fileReadNoSuchFile, userInfo: [NSFilePathErrorKey: path]) }
        defer { close(fd) }
        let buffer = UnsafeMutableRawBufferPointer.allocate(byteCount: 1 << 20, alignment: 64)
        defer { buffer.deallocate() }
        var hasher = SHA256()
        var size = 0
        while true {
            let n = read(fd, buffer.baseAddress, buffer.count)
            if n < 0 {
                if errno == EINTR { continue }
                throw CocoaError(
                    .fileReadUnknown, userInfo: [NSFilePathErrorKey: path, NSLocalizedDescriptionKey: String(cString: strerror(errno))])
            }
            if n == 0 { break }
            size += n
            hasher.update(UnsafeRawBufferPointer(rebasing: buffer[0..<n]))
        }
        return (hasher.finalizeHex(), size)
    }
}
