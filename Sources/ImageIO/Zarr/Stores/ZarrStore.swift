import Foundation
import ImJoySchema

/// Where a Zarr store's keys (`.zattrs`, `0/.zarray`, `0/c/1/2`) are read from: a local
/// directory (``LocalZarrStore``) or a remote prefix over HTTP or S3 (``RemoteZarrStore``).
/// ``ZarrArray`` and ``OMEZarrImage`` read metadata and chunks only through it, one key at a
/// time, so a remote store fetches only the chunks a read touches; a sharded array reads a shard's
/// index and then its inner chunks by byte range (``read(_:range:limit:)``). Stores are opened by
/// ``ZarrStoreRegistry``; docs/imageio.md ("Store seam").
public protocol ZarrStore: Sendable {
    /// The store's root as a URL (a file URL for a local directory).
    var url: URL { get }
    /// The store as errors name it: a path or a URL.
    var location: String { get }
    /// How many chunks a read fetches and decodes at once.
    var parallelism: Int { get }

    /// The bytes stored under `key`, or `nil` when the key does not exist (a chunk never
    /// written reads as the fill value); more than `limit` bytes is an error.
    func read(_ key: String, limit: Int) throws(ZarrError) -> [UInt8]?
    /// Whether ``read(_:range:limit:)`` fetches only the range (a `pread`, an HTTP `Range` GET).
    /// Default `false`: the default ``read(_:range:limit:)`` reads the whole object, and sharded
    /// arrays then read each shard they touch whole, once.
    var supportsRangedReads: Bool { get }
    /// The bytes of `range` of the object under `key` (fewer when the object ends first), with the
    /// object's size when the store learns it; `nil` when the key does not exist. `limit` bounds
    /// a read of the whole object (the default, or a server that ignores ranges).
    func read(_ key: String, range: ZarrByteRange, limit: Int) throws(ZarrError) -> ZarrPartialRead?
    /// Refuses a store that does not exist where that can be known without reading a key
    /// (a local directory); remote stores tell by their keys.
    func checkExists() throws(ZarrError)
    /// The store rooted at `path` inside this one (a collection's image).
    func child(_ path: String) -> any ZarrStore
}

extension ZarrStore {
    public var supportsRangedReads: Bool { false }

    /// Reads the whole object (at most `limit` bytes) and returns the range of it.
    public func read(_ key: String, range: ZarrByteRange, limit: Int) throws(ZarrError) -> ZarrPartialRead? {
        guard let whole = try read(key, limit: limit) else { return nil }
        return ZarrPartialRead(bytes: range.slice(whole), objectSize: whole.count)
    }

    /// The JSON document under `key`, or `nil` when there is none.
    func readJSON(_ key: String) throws(ZarrError) -> ZarrJSONField? {
        guard let bytes = try read(key, limit: ZarrLimits.maximumMetadataBytes) else { return nil }
        return try ZarrJSONField.parse(bytes, store: location, file: key)
    }
}

/// A byte range of a stored object.
public enum ZarrByteRange: Sendable, Equatable, CustomStringConvertible {
    /// The bytes at offsets `range`.
    case bytes(Range<Int>)
    /// The last `count` bytes (all of them when the object is shorter).
    case suffix(Int)

    /// The offsets this range covers in an object of `size` bytes.
    public func resolved(size: Int) -> Range<Int> {
        switch self {
        case .bytes(let range): min(range.lowerBound, size)..<min(range.upperBound, size)
        case .suffix(let count): max(0, size - count)..<size
        }
    }

    /// The range of the whole object `bytes`.
    public func slice(_ bytes: [UInt8]) -> [UInt8] { Array(bytes[resolved(size: bytes.count)]) }

    public var description: String {
        switch self {
        case .bytes(let range): "bytes \(range.lowerBound)..<\(range.upperBound)"
        case .suffix(let count): "the last \(count) bytes"
        }
    }
}

/// Part of a stored object (``ZarrStore/read(_:range:limit:)``).
public struct ZarrPartialRead: Sendable, Equatable {
    /// The bytes of the range.
    public var bytes: [UInt8]
    /// The whole object's size, when the store learnt it (a file's size, an HTTP `Content-Range`).
    public var objectSize: Int?

    public init(bytes: [UInt8], objectSize: Int?) {
        self.bytes = bytes
        self.objectSize = objectSize
    }
}

/// A kind of store: the URL schemes it serves and how it opens one.
public protocol ZarrStoreKind: Sendable {
    /// Lowercase schemes (`file` stands for plain paths too).
    var schemes: [String] { get }
    /// The store at `location` (a path or a URL of one of ``schemes``).
    func open(_ location: String) throws(ZarrError) -> any ZarrStore
}

/// The store kinds, by scheme: the one place that says which locations a Zarr read accepts.
public struct ZarrStoreRegistry: Sendable {
    public var kinds: [any ZarrStoreKind]

    public init(kinds: [any ZarrStoreKind]) {
        self.kinds = kinds
    }

    /// Local directories; `http`, `https` and `s3` through ``RemoteClient/shared``.
    public static let standard = ZarrStoreRegistry(kinds: [LocalZarrStoreKind(), RemoteZarrStoreKind(client: .shared)])

    /// The store at `location`: a URL with a registered scheme, else a local path.
    public func open(_ location: String) throws(ZarrError) -> any ZarrStore {
        let scheme = Self.scheme(of: location)
        guard let kind = kinds.first(where: { $0.schemes.contains(scheme) }) else {
            throw ZarrError(.invalidArgument, store: location, reason: "no Zarr store reads '\(scheme)://' locations")
        }
        return try kind.open(location)
    }

    /// `http`, `https`, `s3`, … for a URL; `file` for a path or `file://` URL.
    static func scheme(of location: String) -> String {
        if RemoteLocation.isRemote(location), let colon = location.firstIndex(of: ":") { return location[..<colon].lowercased() }
        return "file"
    }
}
