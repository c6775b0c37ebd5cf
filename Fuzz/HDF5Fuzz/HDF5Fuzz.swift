// fuzz-hdf5: libFuzzer target for ImageIO's HDF5 reader (open, walk groups, read every dataset
// and its attributes). Each input is opened as an in-memory file image (HDF5's core driver), so
// the run measures libhdf5 and ImageIO, not file creation. Without -DFUZZING this is a replay tool.
import Foundation
import ImageIO

/// Variable-length strings are read only with FUZZ_HDF5_VLEN=1: libhdf5 1.10.8 crashes in its
/// global-heap code (H5HG_read) on corrupted heaps, which ImageIO cannot validate (Fuzz/README.md).
private let readsVariableLengthStrings = ProcessInfo.processInfo.environment["FUZZ_HDF5_VLEN"] == "1"

/// Reads `bytes` as an HDF5 file; errors are expected, crashes and leaks are bugs.
func fuzzHDF5(_ bytes: UnsafeRawBufferPointer) {
    readAll(bytes)
    // Every id ImageIO opened must be closed again (libhdf5's own allocations are not
    // instrumented, so this is how an id leak shows up).
    let open = HDF5File.openObjectCount
    if open != 0 { fatalError("\(open) HDF5 objects still open after an input") }
}

/// FUZZ_VERBOSE=1 prints every result (for replaying a file by hand).
private let verbose = ProcessInfo.processInfo.environment["FUZZ_VERBOSE"] != nil

private func readAll(_ bytes: UnsafeRawBufferPointer) {
    let opened = Result { try HDF5File(image: bytes, name: "fuzz-input.h5") }
    if verbose { print(opened) }
    guard case .success(let file) = opened else { return }
    report("attributes of /", Result { try file.attributes(of: "/", variableLengthStrings: readsVariableLengthStrings) })
    let paths = Result { try file.datasetPaths(maximumObjectCount: 256) }
    report("datasets", paths)
    for path in (try? paths.get()) ?? [] {
        let array = Result { try file.readDataset(path, limit: 4 << 20, maximumChunkCount: 4096) }
        if case .success(let array) = array { _ = array.withUnsafeBytes { $0.reduce(0) { $0 &+ $1 } } }
        report(path, array.map { "\($0.dtype) \($0.shape)" })
        report("attributes of \(path)", Result { try file.attributes(of: path, variableLengthStrings: readsVariableLengthStrings) })
    }
}

private func report<T>(_ what: String, _ result: Result<T, some Error>) {
    guard verbose else { return }
    switch result {
    case .success(let value): print("  \(what): \(value)")
    case .failure(let error): print("  \(what): ERROR \(error)")
    }
}

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzTestOneInput(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    fuzzHDF5(UnsafeRawBufferPointer(start: data, count: size))
    return 0
}

#if !FUZZING
    @main
    struct HDF5FuzzReplay {
        static func main() throws {
            for path in CommandLine.arguments.dropFirst() {
                let data = try Data(contentsOf: URL(fileURLWithPath: path))
                data.withUnsafeBytes { fuzzHDF5($0) }
                print("replayed \(path) (\(data.count) bytes)")
            }
        }
    }
#endif
