import Foundation
import ImJoySchema
import ImageIO

/// How the read ops reach remote inputs (`http(s)://`, `s3://`): OME-Zarr stores are read in
/// place through ImageIO's ``ZarrStoreRegistry`` (only the chunks a read needs); whole files
/// (TIFF, HDF5) are fetched with parallel ranged GETs (``RemoteFileFetch``) into a temporary file
/// in ``scratchDirectory`` — in runs the state folder's `remote/` (`OUT/.imjoy-run/remote/`) —,
/// read there and removed as soon as the read is done.
public struct RemoteInputs: Sendable {
    /// Where fetched files live while they are read.
    public var scratchDirectory: String
    public var client: RemoteClient
    public var zarrStores: ZarrStoreRegistry

    public init(scratchDirectory: String, client: RemoteClient = .shared, zarrStores: ZarrStoreRegistry = .standard) {
        self.scratchDirectory = scratchDirectory
        self.client = client
        self.zarrStores = zarrStores
    }

    /// The folder `remote/` of the run state folder `stateDirectory` (relative: from the cwd).
    public init(stateDirectory: String, client: RemoteClient = .shared) {
        let base = FileHashes.resolve(stateDirectory, base: FileManager.default.currentDirectoryPath)
        let stores = ZarrStoreRegistry(kinds: [LocalZarrStoreKind(), RemoteZarrStoreKind(client: client)])
        self.init(scratchDirectory: (base as NSString).appendingPathComponent("remote"), client: client, zarrStores: stores)
    }

    /// Outside a run: a folder of the system's temporary directory.
    public static var outsideRuns: RemoteInputs {
        RemoteInputs(scratchDirectory: (NSTemporaryDirectory() as NSString).appendingPathComponent("imjoy-run-remote-\(getpid())"))
    }

    /// Fetches `location` into a temporary file, runs `body` on it and removes the file (and the
    /// scratch folder once no other fetch uses it).
    public func withFetchedFile<T>(_ location: RemoteLocation, _ body: (URL) throws -> T) throws -> T {
        let file = try RemoteFileFetch.download(location, into: URL(fileURLWithPath: scratchDirectory), client: client)
        defer {
            try? FileManager.default.removeItem(at: file)
            _ = rmdir(scratchDirectory)  // fails, harmlessly, while another fetch's file is there
        }
        return try body(file)
    }
}
