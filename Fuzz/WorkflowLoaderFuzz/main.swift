// libFuzzer target: the workflow loader on arbitrary text, as JSON (first byte even) or YAML
// (first byte odd). Checks, for every input that parses:
//   * strict JSON parsing (duplicate keys refused) agrees with lenient parsing whenever it succeeds;
//   * a parsed JSON value serializes to text that parses back to an equal value;
//   * workflows without plugins also validate without crashing (no file system or network use).
// Build and run: see Fuzz/README.md, "fuzz-workflow-loader".
import Foundation
import ImJoyPlugin
import ImJoySchema
import ImJoyWorkflow

func check(_ bytes: UnsafeRawBufferPointer) {
    guard let first = bytes.first else { return }
    let body = UnsafeRawBufferPointer(rebasing: bytes.dropFirst())
    let isYAML = first & 1 == 1
    let text = String(decoding: body, as: UTF8.self)
    if !isYAML { checkJSON(body) }
    guard let workflow = try? WorkflowLoader.load(text: text, file: "/nonexistent-fuzz/w.\(isYAML ? "yaml" : "json")", isYAML: isYAML)
    else {
        return
    }
    if workflow.plugins.isEmpty {
        _ = try? WorkflowValidator(resolver: PluginResolver(environment: [:])).validate(workflow)
    }
}

/// Strict and lenient parses agree, and serialization round-trips.
func checkJSON(_ body: UnsafeRawBufferPointer) {
    guard let lenient = try? JSONValue(jsonBytes: body) else {
        if (try? JSONValue(jsonBytes: body, rejectingDuplicateKeys: true)) != nil {
            fatalError("strict parsing accepted what lenient parsing refused")
        }
        return
    }
    if let strict = try? JSONValue(jsonBytes: body, rejectingDuplicateKeys: true), strict != lenient {
        fatalError("strict and lenient parses differ")
    }
    let text = lenient.serialized()
    guard let again = try? JSONValue(jsonText: text) else { fatalError("serialized JSON does not parse: \(text)") }
    guard again == lenient else { fatalError("serialization round trip changed the value: \(text)") }
}

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzOneInput(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    check(UnsafeRawBufferPointer(start: data, count: size))
    return 0
}

#if !FUZZING
    @main
    struct ReplayCrashes {
        /// Without the fuzzer: checks each file named on the command line (replays a crash file).
        static func main() throws {
            for path in CommandLine.arguments.dropFirst() {
                let data = try Data(contentsOf: URL(fileURLWithPath: path))
                data.withUnsafeBytes(check)
                print("checked \(path)")
            }
        }
    }
#endif
