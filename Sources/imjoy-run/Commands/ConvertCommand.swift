import ArgumentParser
import Foundation
import ImJoySchema
import ImageIO

/// `imjoy-run convert IN OUT`: TIFF ↔ HDF5 ↔ OME-Zarr conversion and recompression.
struct ConvertCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "convert",
        abstract: "Convert between TIFF, HDF5 and OME-Zarr, or recompress (format from the extension).",
        discussion: """
            Formats: .tif/.tiff (libtiff), .h5/.hdf5 (HDF5) and .zarr/.ome.zarr (OME-Zarr, NGFF 0.4 on Zarr v2:
            a directory store), ImageIO's ArrayFormatRegistry. Multi-page TIFFs are read as one stack;
            ImageJ hyperstacks keep their TZC axes. An OME-Zarr input is read at full resolution (its root
            image, or --dataset IMAGE of a collection). OUT named NAME.ome.tif is an OME-TIFF (OME-XML with the
            axes and physical sizes the input's metadata has). Output is written to a temporary sibling and renamed
            into place, so a failed conversion never leaves a partial OUT. An input larger than --memory-limit
            is streamed: read a page, chunk or hyperslab at a time and written as it goes.

            Examples:
              imjoy-run convert stack.tif stack.h5 --compression deflate --level 4
              imjoy-run convert results.h5 cells.tif --dataset /item3/segment --compression zstd
              imjoy-run convert big.tif fiji.tif --imagej --compression lzw
              imjoy-run convert stack.tif stack.ome.zarr --compression blosc --level 5
              imjoy-run convert slide.tif slide.ome.tif --tile 256 --levels 3 --compression deflate
            """
    )

    @Argument(help: "The input file (\(ArrayFormatRegistry.standard.extensionList)), or an http(s):// or s3:// URL of one.")
    var input: String

    @Argument(help: "The output file (\(ArrayFormatRegistry.standard.extensionList)).")
    var output: String

    @Option(help: "Output compression: \(Self.compressionHelp). Default: none.")
    var compression: String?

    @Option(help: "Compression level (default and range per compression: \(Self.levelHelp)).")
    var level: Int?

    @Option(help: "The dataset to read (default: the first) or to write (default: /data), for formats holding several arrays.")
    var dataset: String?

    @Flag(help: "Write BigTIFF even below 4 GiB.")
    var bigtiff = false

    @Flag(help: "Write ImageJ hyperstack metadata (leading axes are TZC, right-aligned).")
    var imagej = false

    @Flag(help: "fsync the output before renaming it into place.")
    var sync = false

    @Option(help: "Write TIFF pages in square tiles of this size (a multiple of 16) instead of strips.")
    var tile: Int?

    @Option(help: "Sub-resolution levels, each half the size of the one above (TIFF SubIFDs, OME-Zarr multiscales).")
    var levels = 0

    @OptionGroup var memory: MemoryLimitArgument

    /// "deflate, none, lzw, zstd (tiff); gzip, none (hdf5)", from the registry.
    static var compressionHelp: String {
        ArrayFormatRegistry.standard.formats.map { "\($0.compressions.map(\.name).joined(separator: ", ")) (\($0.name))" }
            .joined(separator: "; ")
    }

    /// "tiff deflate 1-12 (6), zstd 1-22 (9); hdf5 gzip 1-9 (4)", from the registry.
    static var levelHelp: String {
        ArrayFormatRegistry.standard.formats.map { format in
            format.name + " "
                + format.compressions.compactMap { choice in
                    guard let levels = choice.levels else { return nil }
                    return "\(choice.name) \(levels.lowerBound)-\(levels.upperBound) (\(choice.defaultLevel ?? levels.lowerBound))"
                }.joined(separator: ", ")
        }.joined(separator: "; ")
    }

    func validate() throws {
        if let tile, tile < 16 || tile % 16 != 0 { throw ValidationError("--tile \(tile): TIFF tiles are a multiple of 16") }
        guard (0...TIFFWriter.maximumSubResolutionLevels).contains(levels) else {
            throw ValidationError("--levels \(levels): 0 to \(TIFFWriter.maximumSubResolutionLevels)")
        }
    }

    func run() throws {
        try withInputErrors {
            let registry = ArrayFormatRegistry.standard
            let outputURL = URL(fileURLWithPath: output)
            guard let inputFormat = inputFormat(registry) else {
                throw ValidationError("\(input): unknown input format (use \(registry.extensionList))")
            }
            guard let outputFormat = registry.format(for: outputURL) else {
                throw ValidationError("\(output): unknown output format (use \(registry.extensionList))")
            }
            var options = try writeOptions(inputFormat: inputFormat, outputFormat: outputFormat)
            let limit = try memory.bytes()
            let name = inputFormat.capabilities.contains(.namedArrays) ? dataset : nil
            options.source = RemoteLocation.isRemote(input) ? input : URL(fileURLWithPath: input).lastPathComponent
            // Larger than the limit: block by block (a local file that can be opened lazily; a remote one is read whole).
            if !RemoteLocation.isRemote(input), let source = try? inputFormat.source(URL(fileURLWithPath: input), name: name),
                source.byteCount > limit
            {
                try outputFormat.write(source: source, to: outputURL, options: options, blockBytes: max(limit / 8, 1 << 16))
                return
            }
            let array = try readInput(inputFormat, name: name, outputURL: outputURL)
            try outputFormat.write(array, to: outputURL, options: options)
        }
    }

    /// The write options the flags ask of `outputFormat`, refusing those it cannot honour.
    private func writeOptions(inputFormat: any ArrayFormat, outputFormat: any ArrayFormat) throws -> ArrayWriteOptions {
        let codec: Compression
        do {
            codec = try outputFormat.compression(named: compression ?? "none", level: level)
        } catch {
            throw ValidationError("\(output): \(error)")
        }
        let imageJCapable = outputFormat.capabilities.contains(.imageJ)
        if imagej, !imageJCapable { throw ValidationError("--imagej applies to \(Self.imageJFormats) output only") }
        if bigtiff, !(outputFormat is TIFFFormat) { throw ValidationError("--bigtiff applies to TIFF output only") }
        if tile != nil, !outputFormat.capabilities.contains(.tiles) {
            throw ValidationError("--tile applies to \(Self.formats(with: .tiles)) output only")
        }
        if levels > 0, !outputFormat.capabilities.contains(.pyramids) {
            throw ValidationError("--levels applies to \(Self.formats(with: .pyramids)) output only")
        }
        if dataset != nil, !inputFormat.capabilities.contains(.namedArrays), !outputFormat.capabilities.contains(.namedArrays) {
            throw ValidationError("--dataset applies to formats holding several arrays (\(Self.containerFormats))")
        }
        var options = ArrayWriteOptions(compression: codec, name: outputFormat.capabilities.contains(.namedArrays) ? dataset : nil)
        options.imageJ = imagej
        options.largeFile = bigtiff ? true : nil
        options.synchronizes = sync
        options.tileShape = tile.map { [$0, $0] }
        options.pyramidLevels = levels
        return options
    }

    private static var imageJFormats: String { formats(with: .imageJ) }

    private static var containerFormats: String { formats(with: .namedArrays) }

    /// The names of the registered formats with `capability`.
    private static func formats(with capability: ArrayFormatCapabilities) -> String {
        ArrayFormatRegistry.standard.formats.filter { $0.capabilities.contains(capability) }.map(\.name).joined(separator: ", ")
    }
}
