import ArgumentParser
import Foundation
import ImJoyEngine
import ImJoySchema
import ImageIO

/// `convert`'s remote input (`http(s)://`, `s3://`): an OME-Zarr store is read in place (only
/// the chunks needed); a file is fetched with parallel ranged GETs into a hidden folder beside
/// OUT, read, and removed.
extension ConvertCommand {
    /// The input's format, from the URL's file name or the path's extension.
    func inputFormat(_ registry: ArrayFormatRegistry) -> (any ArrayFormat)? {
        guard RemoteLocation.isRemote(input) else { return registry.format(for: URL(fileURLWithPath: input)) }
        let name = (try? RemoteLocation(parsing: input))?.fileName ?? ""
        return name.isEmpty ? nil : registry.format(for: URL(fileURLWithPath: name))
    }

    /// Reads the input array (`name`: a container's array).
    func readInput(_ format: any ArrayFormat, name: String?, outputURL: URL) throws -> NDArray {
        guard RemoteLocation.isRemote(input) else { return try format.read(URL(fileURLWithPath: input), name: name) }
        let location: RemoteLocation
        do { location = try RemoteLocation(parsing: input) } catch { throw ValidationError(error.description) }
        do {
            if let zarr = format as? ZarrFormat { return try zarr.read(location: location.description, name: name) }
            let scratch = outputURL.deletingLastPathComponent().appendingPathComponent(".imjoy-run-fetch-\(getpid())")
            defer { try? FileManager.default.removeItem(at: scratch) }
            return try RemoteInputs(scratchDirectory: scratch.path).withFetchedFile(location) { try format.read($0, name: name) }
        } catch let error as RemoteError where error.isRetryable {
            // The server failed (not the input): exit 1, as a failed item does.
            printError(error.description)
            throw ExitCode.failure
        }
    }
}
