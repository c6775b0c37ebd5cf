import Foundation
import ImageIO

/// The file ops' reads and writes, through ImageIO's array formats.
enum FileOps {
    /// Reads the array at `url` in `format` (`name`: a dataset of a container format).
    /// A format's own errors (HDF5's "has no dataset 'x' (datasets: …)") pass through.
    static func read(_ url: URL, format: any ArrayFormat, name: String? = nil) throws -> NDArray {
        try format.read(url, name: name)
    }

    /// Writes `array` as a TIFF at `url` (atomically): provenance in the description, or in
    /// the private tag beside ImageJ metadata (``TIFFFormat``).
    static func writeTIFF(_ array: NDArray, to url: URL, compression: Compression, imageJ: Bool, provenance: String? = nil) throws {
        var options = ArrayWriteOptions(compression: compression, provenance: provenance)
        options.imageJ = imageJ
        try TIFFFormat().write(array, to: url, options: options)
    }
}
