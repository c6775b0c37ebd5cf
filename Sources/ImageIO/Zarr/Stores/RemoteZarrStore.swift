import Foundation
import ImJoySchema

/// A Zarr store under a remote prefix (`https://host/data/image.zarr`, `s3://bucket/image.zarr`):
/// each key is one GET of `PREFIX/KEY` through ``RemoteClient`` (retried; a 404 is a key that
/// does not exist, i.e. a chunk never written). Chunks are fetched only when a read touches them,
/// ``parallelism`` at a time; a shard's index and inner chunks by `Range` GETs.
public struct RemoteZarrStore: ZarrStore {
    /// The store's root.
    public let root: RemoteLocation
    public let client: RemoteClient
    /// Chunk requests in flight during a read (the work is mostly waiting for the network).
    public let parallelism: Int

    public init(root: RemoteLocation, client: RemoteClient = .shared, parallelism: Int = RemoteZarrStore.defaultParallelism) {
        self.root = root
        self.client = client
        self.parallelism = max(1, parallelism)
    }

    /// The default number of chunk requests in flight.
    public static let defaultParallelism = 16

    public var url: URL { URL(string: root.description) ?? URL(fileURLWithPath: "/") }
    public var location: String { root.description }

    public func read(_ key: String, limit: Int) throws(ZarrError) -> [UInt8]? {
        let response: HTTPResponse?
        do {
            response = try client.get(root.appending(key), missingIsNil: true, limit: limit)
        } catch  where error.kind == .tooLarge {
            throw ZarrError(.tooLarge, store: location, location: key, reason: "object exceeds the limit of \(limit) bytes")
        } catch {
            throw ZarrError(.io, store: location, location: key, reason: Self.reason(error))
        }
        guard let response else { return nil }
        guard response.body.count <= limit else {
            throw ZarrError(
                .tooLarge, store: location, location: key,
                reason: "object of \(response.body.count) bytes exceeds the limit of \(limit) bytes")
        }
        return [UInt8](response.body)
    }

    public var supportsRangedReads: Bool { true }

    /// One `Range` GET (`bytes=A-B`, or `bytes=-N` for a suffix); the object's size comes from
    /// `Content-Range`. A server that ignores ranges answers 200 with the whole object (up to
    /// `limit` bytes), which is then cut to the range; a 416 (the object ends before the range)
    /// gives no bytes.
    public func read(_ key: String, range: ZarrByteRange, limit: Int) throws(ZarrError) -> ZarrPartialRead? {
        let response: HTTPResponse?
        let byteRange: RemoteByteRange
        switch range {
        case .bytes(let bytes):
            guard !bytes.isEmpty else { return ZarrPartialRead(bytes: [], objectSize: nil) }
            byteRange = .bytes(bytes)
        case .suffix(let count):
            byteRange = .suffix(count)
        }
        do {
            response = try client.get(root.appending(key), byteRange: byteRange, missingIsNil: true, limit: max(limit, byteRange.count))
        } catch  where error.status == 416 {
            // Range Not Satisfiable: the object ends before the range starts (or is empty).
            return ZarrPartialRead(bytes: [], objectSize: nil)
        } catch  where error.kind == .tooLarge {
            throw ZarrError(.tooLarge, store: location, location: key, reason: "object exceeds the limit of \(limit) bytes")
        } catch {
            throw ZarrError(.io, store: location, location: key, reason: Self.reason(error))
        }
        guard let response else { return nil }
        let body = [UInt8](response.body)
        guard response.status == 206 else { return ZarrPartialRead(bytes: range.slice(body), objectSize: body.count) }
        guard let (first, total) = Self.contentRange(response.headers["content-range"]) else {
            throw ZarrError(
                .io, store: location, location: key,
                reason: "a 206 answer without a usable Content-Range (\(response.headers["content-range"] ?? "none"))")
        }
        let expected = total.map { range.resolved(size: $0).lowerBound }
        if case .bytes(let bytes) = range, first != bytes.lowerBound || body.count > bytes.count {
            throw ZarrError(
                .io, store: location, location: key, reason: "asked for \(range), got \(body.count) bytes from offset \(first)")
        }
        if let expected, expected != first {
            throw ZarrError(.io, store: location, location: key, reason: "asked for \(range), got bytes from offset \(first)")
        }
        return ZarrPartialRead(bytes: body, objectSize: total)
    }

    /// The first offset and the total size (`nil` for `*`) of `Content-Range: bytes A-B/TOTAL`.
    static func contentRange(_ header: String?) -> (Int, Int?)? {
        guard let header, header.hasPrefix("bytes "), let dash = header.firstIndex(of: "-"), let slash = header.lastIndex(of: "/"),
            let first = Int(header[header.index(header.startIndex, offsetBy: 6)..<dash])
        else { return nil }
        let total = header[header.index(after: slash)...]
        return (first, total == "*" ? nil : Int(total))
    }

    /// A remote prefix exists only through its keys: nothing to check without reading one.
    public func checkExists() throws(ZarrError) {}

    public func child(_ path: String) -> any ZarrStore {
        RemoteZarrStore(root: root.appending(path), client: client, parallelism: parallelism)
    }

    /// The error without the URL (``ZarrError`` names the store and key already).
    static func reason(_ error: RemoteError) -> String {
        let text = error.description
        let prefix = error.url + ": "
        return text.hasPrefix(prefix) ? String(text.dropFirst(prefix.count)) : text
    }
}

/// `http://`, `https://` and `s3://` stores.
public struct RemoteZarrStoreKind: ZarrStoreKind {
    public let client: RemoteClient
    public let parallelism: Int

    public init(client: RemoteClient, parallelism: Int = RemoteZarrStore.defaultParallelism) {
        self.client = client
        self.parallelism = parallelism
    }

    public var schemes: [String] { RemoteLocation.Scheme.allCases.map(\.rawValue) }

    public func open(_ location: String) throws(ZarrError) -> any ZarrStore {
        do {
            var root = try RemoteLocation(parsing: location)
            if root.path.hasSuffix("/") { root = try RemoteLocation(parsing: String(location.dropLast())) }
            return RemoteZarrStore(root: root, client: client, parallelism: parallelism)
        } catch {
            throw ZarrError(.invalidArgument, store: location, reason: error.reason)
        }
    }
}
