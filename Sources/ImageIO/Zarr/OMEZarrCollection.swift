import Foundation
import ImJoySchema

#if canImport(Glibc)
    import Glibc
#endif

/// The root group of a collection store (one store, one image per item): its `imjoy.images`
/// list, updated under an exclusive `flock` so concurrent shards do not lose each other's entries.
enum OMEZarrCollection {
    /// The lock file inside the store.
    static let lockName = ".imjoy-zarr.lock"

    /// Runs `body` holding an exclusive `flock` on the store's lock file.
    static func withLock(store: String, _ body: () throws(ZarrError) -> Void) throws(ZarrError) {
        let fd = open(store + "/" + lockName, O_RDWR | O_CREAT | O_CLOEXEC, 0o644)
        guard fd >= 0 else { throw ZarrError(.io, store: store, location: lockName, reason: "cannot open lock: \(ZarrFiles.lastError())") }
        defer { close(fd) }
        while flock(fd, LOCK_EX) != 0 {
            guard errno == EINTR else {
                throw ZarrError(.io, store: store, location: lockName, reason: "cannot lock: \(ZarrFiles.lastError())")
            }
        }
        defer { flock(fd, LOCK_UN) }
        try body()
    }

    /// Adds `name` to the root group's image list (creating the group), replacing its metadata
    /// file atomically. Call under ``withLock(store:_:)``.
    static func register(_ name: String, store: String, format: ZarrArrayMetadata.Format) throws(ZarrError) {
        let v3 = try ZarrFiles.readJSON(store + "/zarr.json", store: store, file: "zarr.json")
        let v2 = try ZarrFiles.readJSON(store + "/.zattrs", store: store, file: ".zattrs")
        let hasV2Group = ZarrFiles.exists(store + "/.zgroup")
        if (format == .v2 && v3 != nil) || (format == .v3 && hasV2Group) {
            throw ZarrError(
                .invalidArgument, store: store,
                reason: "the collection is Zarr v\(format == .v2 ? 3 : 2); cannot add a v\(format.rawValue) image")
        }
        var attributes: JSONObject = [:]
        if format == .v3, let v3 { attributes = (v3.member("attributes").value?.objectValue) ?? [:] }
        if format == .v2, let v2 { attributes = try v2.object() }
        var imjoy = attributes["imjoy"]?.objectValue ?? [:]
        var images = (imjoy["images"]?.arrayValue ?? []).compactMap(\.stringValue)
        if !images.contains(name) { images.append(name) }
        images.sort()
        imjoy["images"] = .array(images.map(JSONValue.string))
        attributes["imjoy"] = .object(imjoy)
        let temporary = store + "/.group.tmp-\(getpid())-\(UInt32.random(in: 0...UInt32.max))"
        do throws(ZarrError) {
            try ZarrFiles.makeDirectories(temporary, store: store)
            try OMEZarr.writeGroup(root: temporary, store: store, format: format, attributes: attributes)
            let files = format == .v2 ? [".zgroup", ".zattrs"] : ["zarr.json"]
            for file in files where rename(temporary + "/" + file, store + "/" + file) != 0 {
                throw ZarrError(.io, store: store, location: file, reason: "cannot rename into place: \(ZarrFiles.lastError())")
            }
            ZarrFiles.removeTree(temporary)
        } catch {
            ZarrFiles.removeTree(temporary)
            throw error
        }
    }

    /// The image names listed by the collection at `store`.
    static func images(store: URL) throws(ZarrError) -> [String] {
        try images(storage: LocalZarrStore(root: store.path))
    }

    /// The image names listed by the collection at the root of `storage` (local or remote).
    static func images(storage: any ZarrStore) throws(ZarrError) -> [String] {
        let attributes: ZarrJSONField?
        if let v3 = try storage.readJSON("zarr.json") {
            attributes = v3.member("attributes")
        } else {
            attributes = try storage.readJSON(".zattrs")
        }
        guard let list = attributes?.member("imjoy").member("images"), !list.isMissing else { return [] }
        var names: [String] = []
        for item in try list.array() { names.append(try item.string()) }
        return names
    }
}
