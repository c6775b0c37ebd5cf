import ArgumentParser
import Foundation
import ImJoySchema
import ImageIO

/// `imjoy-run convert IN OUT`: TIFF ↔ HDF5 conversion and recompression.
struct ConvertCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "convert",
        abstract: "Convert between TIFF and HDF5, or recompress (format from the extension).",
        discussion: """
            Formats: .tif/.tiff (libtiff) and .h5/.hdf5 (HDF5). Multi-page TIFFs are read as one stack;
            ImageJ hyperstacks keep their TZC axes. Output is written to a temporary sibling and renamed
            into place, so a failed conversion never leaves a partial OUT.

            Examples:
              imjoy-run convert stack.tif stack.h5 --compression deflate --level 4
              imjoy-run convert results.h5 cells.tif --dataset /item3/segment --compression zstd
              imjoy-run convert big.tif fiji.tif --imagej --compression lzw
            """
    )

    @Argument(help: "The input file (.tif, .tiff, .h5, .hdf5).")
    var input: String

    @Argument(help: "The output file (.tif, .tiff, .h5, .hdf5).")
    var output: String

    @Option(help: "Output compression: none, deflate, lzw or zstd (TIFF); none or deflate (HDF5).")
    var compression: String = "none"

    @Option(help: "Compression level (deflate 1-12 for TIFF and 1-9 for HDF5, default 6/4; zstd 1-22, default 9).")
    var level: Int?

    @Option(help: "The HDF5 dataset to read (default: the first) or to write (default: /data).")
    var dataset: String?

    @Flag(help: "Write BigTIFF even below 4 GiB.")
    var bigtiff = false

    @Flag(help: "Write ImageJ hyperstack metadata (leading axes are TZC, right-aligned).")
    var imagej = false

    @Flag(help: "fsync the output before renaming it into place.")
    var sync = false

    func run() throws {
        try withInputErrors {
            let inputURL = URL(fileURLWithPath: input), outputURL = URL(fileURLWithPath: output)
            guard let inputFormat = ImageFileFormat(url: inputURL) else {
                throw ValidationError("\(input): unknown input format (use .tif, .tiff, .h5 or .hdf5)")
            }
            guard let outputFormat = ImageFileFormat(url: outputURL) else {
                throw ValidationError("\(output): unknown output format (use .tif, .tiff, .h5 or .hdf5)")
            }
            guard let codec = ImageIO.Compression(name: compression, level: level) else {
                throw ValidationError("unknown compression '\(compression)' (none, deflate, lzw, zstd)")
            }
            if let level, !(0...22).contains(level) { throw ValidationError("--level \(level) is out of range") }
            if imagej, outputFormat != .tiff { throw ValidationError("--imagej applies to TIFF output only") }
            if bigtiff, outputFormat != .tiff { throw ValidationError("--bigtiff applies to TIFF output only") }

            let array: NDArray
            switch inputFormat {
            case .tiff:
                array = try TIFFReader.read(contentsOf: inputURL).array
            case .hdf5:
                let file = try HDF5File(contentsOf: inputURL)
                let path: String
                if let dataset {
                    path = dataset
                } else if let first = try file.datasetPaths().first {
                    path = first
                } else {
                    throw ValidationError("\(input): the file holds no dataset")
                }
                array = try file.readDataset(path)
            }

            switch outputFormat {
            case .tiff:
                var options = TIFFWriter.Options(compression: codec, bigTIFF: bigtiff ? true : nil)
                options.synchronizes = sync
                if imagej {
                    options.description = .imageJ
                } else {
                    var provenance = JSONObject()
                    provenance["shape"] = .array(array.shape.map { .integer(Int64($0)) })
                    provenance["source"] = .string(inputURL.lastPathComponent)
                    options.description = .json(.object(provenance))
                }
                try TIFFWriter.write(array, to: outputURL, options: options)
            case .hdf5:
                let layout: HDF5Layout
                switch codec {
                case .none: layout = .contiguous
                case .deflate(let level): layout = .chunked(compression: .deflate(level: min(level, 9)), shuffle: true)
                case .lzw, .zstd: throw ValidationError("HDF5 output supports --compression none or deflate, not \(compression)")
                }
                let writer = try HDF5Writer(url: outputURL, synchronizes: sync)
                let path = dataset ?? "/data"
                try writer.writeDataset(path, array, layout: layout)
                try writer.setAttribute("source", to: .string(inputURL.lastPathComponent), at: path)
                try writer.commit()
            }
        }
    }
}
