import Foundation

/// A failure reading or writing a Zarr / OME-Zarr store, naming the store, the place in it and why.
///
/// `location` is a file inside the store with, for metadata, the JSON path of the offending value
/// (`0/.zarray $.chunks[1]`), or a chunk key (`0/c/0/1/2`). The description is one line.
public struct ZarrError: Error, CustomStringConvertible, Equatable, Sendable {
    /// What kind of failure this is.
    public enum Kind: String, Sendable, Equatable {
        /// Metadata that is missing, not JSON, or breaks the Zarr / OME-NGFF specification.
        case invalidMetadata
        /// Valid Zarr this reader does not handle (nested sharding, Fortran order, filters, …), or an
        /// encoding the writer does not write (gzip, sharding, …).
        case unsupported
        /// A chunk file (or shard, or shard index) that cannot be decoded, decodes to the wrong size
        /// or fails its CRC32C.
        case corruptChunk
        /// A size over one of ``ZarrLimits``.
        case tooLarge
        /// A file-system error (create, write, rename, lock).
        case io
        /// A caller error: a region outside the array, a bad option, a name that is not a path.
        case invalidArgument
    }

    /// The kind of failure.
    public var kind: Kind
    /// The store's path on disk.
    public var store: String
    /// The file in the store and JSON path, or the chunk key; `nil` for the store as a whole.
    public var location: String?
    /// What went wrong.
    public var reason: String

    public init(_ kind: Kind, store: String, location: String? = nil, reason: String) {
        self.kind = kind
        self.store = store
        self.location = location
        self.reason = reason
    }

    public var description: String {
        let place = location.map { " (\($0))" } ?? ""
        return "\(store)\(place): \(reason)".replacingOccurrences(of: "\n", with: " ")
    }
}

/// The sizes the Zarr reader accepts; anything larger is refused with ``ZarrError/Kind/tooLarge``
/// before memory is allocated for it.
public enum ZarrLimits {
    /// The most dimensions an array may have.
    public static let maximumRank = 32
    /// The largest metadata file (`.zarray`, `.zattrs`, `zarr.json`, …): 16 MiB.
    public static let maximumMetadataBytes = 16 << 20
    /// The largest chunk, decoded: 1 GiB.
    public static let maximumChunkBytes = 1 << 30
    /// The largest extent of one dimension: 2^48 elements.
    public static let maximumExtent = 1 << 48
    /// The most multiscale levels an image may list.
    public static let maximumLevels = 64
}
