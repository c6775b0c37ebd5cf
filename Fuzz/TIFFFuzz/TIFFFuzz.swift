// fuzz-tiff: libFuzzer target for ImageIO's TIFF reader (libtiff through a memory-backed TIFF).
// Build and run: see Fuzz/README.md. Without -DFUZZING this is a replay tool:
//   .build/debug/fuzz-tiff crash-… [more files]
import Foundation
import ImageIO

/// Decodes `bytes` as a TIFF; errors are expected, crashes and leaks are bugs.
func fuzzTIFF(_ bytes: UnsafeRawBufferPointer) {
    var options = TIFFReader.Options()
    options.maximumByteCount = 64 << 20
    options.maximumPageCount = 4096
    if let image = try? TIFFReader.read(bytes: bytes, name: "fuzz.tif", options: options) {
        // Touch the result so decoding cannot be optimised away.
        _ = image.array.withUnsafeBytes { $0.reduce(0) { $0 &+ $1 } }
    }
}

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzTestOneInput(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    fuzzTIFF(UnsafeRawBufferPointer(start: data, count: size))
    return 0
}

#if !FUZZING
    @main
    struct TIFFFuzzReplay {
        static func main() throws {
            for path in CommandLine.arguments.dropFirst() {
                let data = try Data(contentsOf: URL(fileURLWithPath: path))
                data.withUnsafeBytes { fuzzTIFF($0) }
                print("replayed \(path) (\(data.count) bytes)")
            }
        }
    }
#endif
