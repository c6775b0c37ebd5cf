import Foundation
import ImJoySchema

extension TIFFFormat {
    /// The stack at `url`, read page by page (strips or tiles of the rows asked for).
    public func source(_ url: URL, name: String?) throws -> any ArraySource {
        try TIFFStackSource(url: url)
    }

    /// Writes the array `source` provides a block at a time (whole pages, or bands of one page):
    /// metadata, provenance, compression, tiles and levels as ``write(_:to:options:)``.
    public func write(source: any ArraySource, to url: URL, options: ArrayWriteOptions, blockBytes: Int) throws {
        let settings = try writerOptions(shape: source.shape, dtype: source.dtype, metadata: source.metadata, url: url, options: options)
        try TIFFWriter.write(source: source, to: url, options: settings, blockBytes: blockBytes)
    }
}
