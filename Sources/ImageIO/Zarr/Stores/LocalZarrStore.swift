import Foundation

/// A Zarr store in a local directory: keys are relative file paths (``ZarrFiles/read``).
public struct LocalZarrStore: ZarrStore {
    /// The directory.
    public let root: String

    public init(root: String) {
        self.root = root
    }

    public var url: URL { URL(fileURLWithPath: root) }
    public var location: String { root }
    public var parallelism: Int { ProcessInfo.processInfo.activeProcessorCount }

    public func read(_ key: String, limit: Int) throws(ZarrError) -> [UInt8]? {
        try ZarrFiles.read(key.isEmpty ? root : root + "/" + key, limit: limit, store: root, location: key)
    }

    public var supportsRangedReads: Bool { true }

    /// `pread` of the range (the file's size from `fstat`).
    public func read(_ key: String, range: ZarrByteRange, limit: Int) throws(ZarrError) -> ZarrPartialRead? {
        try ZarrFiles.read(key.isEmpty ? root : root + "/" + key, range: range, store: root, location: key)
    }

    public func checkExists() throws(ZarrError) {
        guard ZarrFiles.exists(root) else { throw ZarrError(.invalidMetadata, store: root, reason: "no such store") }
    }

    public func child(_ path: String) -> any ZarrStore {
        path.isEmpty ? self : LocalZarrStore(root: root + "/" + path)
    }
}

/// Plain paths and `file://` URLs.
public struct LocalZarrStoreKind: ZarrStoreKind {
    public init() {}

    public var schemes: [String] { ["file"] }

    public func open(_ location: String) throws(ZarrError) -> any ZarrStore {
        if location.hasPrefix("file://"), let url = URL(string: location) { return LocalZarrStore(root: url.path) }
        return LocalZarrStore(root: location)
    }
}
