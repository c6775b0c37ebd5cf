import Foundation
import ImJoySchema
import Synchronization

#if canImport(Glibc)
    import Glibc
#endif

/// Fetches a whole remote file (TIFF, HDF5, …) into a local temporary file with parallel ranged
/// GETs, for readers that need a seekable file (libtiff, libhdf5). The first request asks for
/// the first part and learns the size from `Content-Range` (a server answering 200 sends the
/// whole file at once); the other parts follow in parallel, each pinned to the first answer's
/// ETag with `If-Match`, so an object replaced mid-read is an error, not a mixed file.
public enum RemoteFileFetch {
    /// Bytes per ranged request.
    public static let defaultPartSize = 8 << 20
    /// Ranged requests in flight at once.
    public static let parallelism = 8

    /// Downloads `location` into a new file in `directory` (created if needed), named after the
    /// URL's file name; the caller removes it (and the folder, with `rmdir`, when it is empty).
    /// A failure removes the partial file.
    public static func download(
        _ location: RemoteLocation, into directory: URL, client: RemoteClient = .shared, partSize: Int = defaultPartSize
    ) throws(RemoteError) -> URL {
        let url = location.description
        // The URL's file name (keeping its extension), made one safe path component.
        let safe = String(location.fileName.map { $0 == "/" || $0.asciiValue.map { $0 < 0x20 } == true ? "_" : $0 }.suffix(100))
        let name = safe.isEmpty || safe.hasPrefix(".") ? "download" + safe : safe
        let file = directory.appendingPathComponent("fetch-\(getpid())-\(UInt32.random(in: 0...UInt32.max))-\(name)")
        var fd: Int32 = -1
        // The folder may be removed by another fetch finishing (it removes it when empty): retry.
        for _ in 0..<3 where fd < 0 {
            do {
                try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
            } catch {
                throw RemoteError(url: url, kind: .io, reason: "cannot create \(directory.path): \(error.localizedDescription)")
            }
            fd = open(file.path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o600)
            if fd < 0 && errno != ENOENT { break }
        }
        guard fd >= 0 else { throw RemoteError(url: url, kind: .io, reason: "cannot create \(file.path): \(lastError())") }
        defer { close(fd) }
        do throws(RemoteError) {
            try fetch(location, into: fd, file: file.path, client: client, partSize: max(1, partSize))
        } catch {
            unlink(file.path)
            throw error
        }
        return file
    }

    private static func fetch(_ location: RemoteLocation, into fd: Int32, file: String, client: RemoteClient, partSize: Int)
        throws(RemoteError)
    {
        let url = location.description
        let answer: HTTPResponse?
        do {
            // A server without Range support answers 200 with the whole file: allow up to 1 GiB.
            answer = try client.get(location, range: 0..<partSize, limit: max(partSize, RemoteClient.maximumBodyBytes))
        } catch  where error.status == 416 {
            return  // an empty object: no byte range is satisfiable
        }
        guard let first = answer else { throw RemoteError(url: url, kind: .status(404), reason: "") }
        try write(first.body, at: 0, to: fd, file: file, url: url)
        guard first.status == 206 else { return }  // 200: the server sent the whole file
        let total = try totalSize(first, url: url)
        guard first.body.count == min(partSize, total) else {
            throw RemoteError(url: url, kind: .invalidResponse, reason: "asked for bytes 0-\(partSize - 1), got \(first.body.count)")
        }
        let parts = (total + partSize - 1) / partSize
        guard parts > 1 else { return }
        let etag = first.headers["etag"]
        let failure = Mutex<RemoteError?>(nil)
        let next = Mutex(1)
        DispatchQueue.concurrentPerform(iterations: min(parallelism, parts - 1)) { _ in
            while failure.withLock({ $0 == nil }) {
                let part = next.withLock { value -> Int in
                    defer { value += 1 }
                    return value
                }
                guard part < parts else { return }
                let range = part * partSize..<min(total, (part + 1) * partSize)
                do throws(RemoteError) {
                    try fetchPart(location, range: range, etag: etag, fd: fd, file: file, client: client)
                } catch {
                    failure.withLock { $0 = $0 ?? error }
                }
            }
        }
        if let error = failure.withLock({ $0 }) { throw error }
    }

    private static func fetchPart(
        _ location: RemoteLocation, range: Range<Int>, etag: String?, fd: Int32, file: String, client: RemoteClient
    ) throws(RemoteError) {
        let url = location.description
        guard let response = try client.get(location, range: range, ifMatch: etag) else {
            throw RemoteError(url: url, kind: .status(404), reason: "")
        }
        if let etag, let now = response.headers["etag"], now != etag {
            throw RemoteError(url: url, kind: .changed, reason: "ETag \(etag) became \(now)")
        }
        guard response.status == 206, response.body.count == range.count else {
            throw RemoteError(
                url: url, kind: .invalidResponse,
                reason:
                    "asked for bytes \(range.lowerBound)-\(range.upperBound - 1), got HTTP \(response.status) with \(response.body.count) bytes"
            )
        }
        try write(response.body, at: range.lowerBound, to: fd, file: file, url: url)
    }

    /// The object's size from `Content-Range: bytes 0-N/TOTAL`.
    static func totalSize(_ response: HTTPResponse, url: String) throws(RemoteError) -> Int {
        guard let header = response.headers["content-range"], let slash = header.lastIndex(of: "/"),
            let total = Int(header[header.index(after: slash)...].trimmingCharacters(in: .whitespaces)), total >= 0
        else {
            throw RemoteError(
                url: url, kind: .invalidResponse,
                reason: "a 206 answer without a usable Content-Range (\(response.headers["content-range"] ?? "none"))")
        }
        return total
    }

    private static func write(_ data: Data, at offset: Int, to fd: Int32, file: String, url: String) throws(RemoteError) {
        let failure: String? = data.withUnsafeBytes { raw in
            var done = 0
            while done < raw.count {
                let n = pwrite(fd, raw.baseAddress! + done, raw.count - done, off_t(offset + done))
                if n < 0 && errno == EINTR { continue }
                guard n > 0 else { return lastError() }
                done += n
            }
            return nil
        }
        if let failure { throw RemoteError(url: url, kind: .io, reason: "cannot write \(file): \(failure)") }
    }

    private static func lastError() -> String { String(cString: strerror(errno)) }
}
