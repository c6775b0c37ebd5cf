import Foundation
import ImJoySchema
import ImageIO

/// The compressed chunks `write-hdf5` wrote, kept in the result cache under the op's cache key
/// (`entries/<k0k1>/<key>/hdf5-chunks.bin`), so a warm rerun writes the same chunks into its
/// new file instead of compressing the array again (docs/reproducibility.md).
///
/// `write-hdf5` is never stored as a result (its effect is the file), but it has a key: the
/// data's identity and the config, so equal keys mean equal arrays and settings. The blob also
/// records the shape, dtype, chunk shape, filters and compressor, which ``HDF5Writer`` checks
/// before writing stored chunks; a blob that is missing, truncated, corrupt or of another
/// format is ignored (the array is compressed and the blob replaced), never written.
public struct HDF5ChunkStore: Sendable {
    /// The cache folder.
    public let directory: URL

    public init(directory: URL) {
        self.directory = directory
    }

    static let fileName = "hdf5-chunks.bin"
    /// The array's `_rmetadata` (or `null`) beside the blob: the pixel sizes the dataset's
    /// attributes are written from.
    static let metadataFileName = "hdf5-metadata.json"

    func url(_ key: String, file: String = HDF5ChunkStore.fileName) -> URL {
        directory.appendingPathComponent("entries/\(key.prefix(2))/\(key)/\(file)")
    }

    /// What to ask the writer for the dataset of the call with cache `key`: the stored chunks
    /// when a valid blob is there (marked used for pruning), else to keep the chunks it compresses.
    public func reuse(for key: String) -> ChunkReuse {
        storedChunks(for: key).map(ChunkReuse.reuse) ?? .keep
    }

    /// The valid chunks stored for `key` with the array's metadata, or `nil` (also when the
    /// metadata file is missing: a blob from before it was kept is recompressed once).
    public func stored(for key: String) -> (chunks: CompressedChunks, metadata: ArrayMetadata?)? {
        guard let text = try? Data(contentsOf: url(key, file: Self.metadataFileName)),
            let json = try? JSONValue(jsonText: String(decoding: text, as: UTF8.self)),
            let chunks = storedChunks(for: key)
        else { return nil }
        return (chunks, ArrayMetadata(json: json))
    }

    /// The valid chunks stored for `key` (marked used for pruning), or `nil`.
    public func storedChunks(for key: String) -> CompressedChunks? {
        let path = url(key).path
        var info = stat()
        guard stat(path, &info) == 0, let bytes = try? CacheFiles.readBlob(path, size: Int(info.st_size)).get(),
            let stored = CompressedChunks(serialized: bytes)
        else { return nil }
        utimensat(AT_FDCWD, path, nil, 0)  // now
        return stored
    }

    /// Stores `chunks` and `metadata` for `key` (temporary files renamed into place, the
    /// metadata first; failures only cost a later compression, so they are ignored).
    public func save(_ chunks: CompressedChunks, metadata: ArrayMetadata?, key: String) {
        let metadataFile = url(key, file: Self.metadataFileName)
        let text = (metadata?.jsonValue ?? .null).serialized()
        do {
            try FileManager.default.createDirectory(at: metadataFile.deletingLastPathComponent(), withIntermediateDirectories: true)
            try Data(text.utf8).write(to: metadataFile, options: .atomic)
        } catch {
            return
        }
        let final = url(key)
        let temporary = directory.appendingPathComponent("tmp/\(key).\(getpid()).\(UUID().uuidString).chunks")
        do {
            try FileManager.default.createDirectory(at: temporary.deletingLastPathComponent(), withIntermediateDirectories: true)
            try chunks.serialized().withUnsafeBytes { try AtomicOutputFile.writeFile($0, to: temporary.path) }
            try FileManager.default.createDirectory(at: final.deletingLastPathComponent(), withIntermediateDirectories: true)
            if rename(temporary.path, final.path) != 0 { try? FileManager.default.removeItem(at: temporary) }
        } catch {
            try? FileManager.default.removeItem(at: temporary)
        }
    }
}
