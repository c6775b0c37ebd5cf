import Foundation

/// The file formats ImageIO reads and writes, chosen by file extension.
public enum ImageFileFormat: String, Sendable, CaseIterable {
    case tiff
    case hdf5

    /// The format for `url`'s extension (`.tif`, `.tiff`, `.h5`, `.hdf5`, `.he5`), or `nil`.
    public init?(url: URL) {
        switch url.pathExtension.lowercased() {
        case "tif", "tiff": self = .tiff
        case "h5", "hdf5", "he5", "hdf": self = .hdf5
        default: return nil
        }
    }
}
