// libFuzzer target: the plugin file parser (blocks + config + tags + ui) on arbitrary bytes.
// Build and run (see Fuzz/README.md):
//   swift build --product fuzz-plugin-parser --sanitize fuzzer --sanitize address \
//       -Xswiftc -parse-as-library -Xswiftc -DFUZZING
//   SWIFT_BACKTRACE=enable=no .build/debug/fuzz-plugin-parser -runs=1000000 Fuzz/corpus-plugin
import Foundation
import ImJoyPlugin

func parse(_ bytes: UnsafeRawBufferPointer) {
    let text = String(decoding: bytes, as: UTF8.self)
    _ = try? Plugin(text: text, file: "fuzz")
    _ = try? Plugin(text: text, file: "fuzz", tag: "GPU")
}

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzOneInput(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    parse(UnsafeRawBufferPointer(start: data, count: size))
    return 0
}

#if !FUZZING
    @main
    struct ReplayCrashes {
        /// Without the fuzzer: parses each file named on the command line (replays a crash file).
        static func main() throws {
            for path in CommandLine.arguments.dropFirst() {
                let data = try Data(contentsOf: URL(fileURLWithPath: path))
                data.withUnsafeBytes(parse)
                print("parsed \(path)")
            }
        }
    }
#endif
