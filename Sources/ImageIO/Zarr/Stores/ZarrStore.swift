import Foundation
import ImJoySchema

/// Where a Zarr store's keys (`.zattrs`, `0/.zarray`, `0/c/1/2`) are read from: a local
/// directory (``LocalZarrStore``) or a remote prefix over HTTP or S3 (``RemoteZarrStore``).
/// ``ZarrArray`` and ``OMEZarrImage`` read metadata and chunks only through it, one key at a
/// time, so a remote store fetches only the chunks a read touches. Stores are opened by
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
    /// Refuses a store that does not exist where that can be known without reading a key
    /// (a local directory); remote stores tell by their keys.
    func checkExists() throws(ZarrError)
    /// The store rooted at `path` inside this one (a collection's image).
    func child(_ path: String) -> any ZarrStore
}

extension ZarrStore {
    /// The JSON document under `key`, or `nil` when there is none.
    func readJSON(_ key: String) throws(ZarrError) -> ZarrJSONField? {
        guard let bytes = try read(key, limit: ZarrLimits.maximumMetadataBytes) else { return nil }
        return try ZarrJSONField.parse(bytes, store: location, file: key)
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
