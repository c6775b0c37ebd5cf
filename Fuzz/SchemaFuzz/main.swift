// fuzz-schema: libFuzzer target for ImJoySchema (see Fuzz/README.md).
//
// An input is `SCHEMA \0 INSTANCE` (both JSON); without a NUL byte the whole input is the schema
// and the instance. Each input is compiled (plain and after ImJoy's inputs normalisation) and
// validated in both modes; `isValid` and `validate` must agree. File lookups go to a virtual file
// system so the fuzzer never touches the disk.
import ImJoySchema

/// Pretends that every path without "missing" exists; sizes and types come from the name.
struct VirtualFiles: FileInspecting {
    func inspect(path: String, needsSize: Bool) -> FileFacts? {
        guard !path.contains("missing") else { return nil }
        let mime = path.hasSuffix(".tif") ? "image/tiff" : (path.hasSuffix(".zarr") ? "application/x-zarr" : "")
        return FileFacts(isDirectory: path.hasSuffix(".zarr"), size: Int64(path.utf8.count), mime: mime)
    }
}

let fuzzOptions = ValidationOptions(maximumErrors: 20, fileInspector: VirtualFiles())

func fuzzOne(_ bytes: UnsafeRawBufferPointer) {
    let input = Array(bytes)
    let separator = input.firstIndex(of: 0)
    let schemaBytes = separator.map { input[..<$0] } ?? input[...]
    guard let schemaValue = try? JSONValue(jsonBytes: schemaBytes) else { return }
    let instance = separator.flatMap { try? JSONValue(jsonBytes: input[($0 + 1)...]) } ?? schemaValue
    check(schemaValue, instance)
    if let normalized = try? ImJoyInputs.normalize(schemaValue) { check(normalized, instance) }
}

/// The draft-07 meta-schema: every schema that compiles (without imjoy-run's `url` type) must satisfy it.
let metaSchema = try! JSONSchema(["$ref": "http://json-schema.org/draft-07/schema#"])

func check(_ schemaValue: JSONValue, _ instance: JSONValue) {
    guard let schema = try? JSONSchema(schemaValue) else { return }
    if !schemaValue.description.contains("url") {
        let meta = metaSchema.validate(schemaValue)
        precondition(meta.isValid, "compiled, but the meta-schema rejects \(schemaValue): \(meta.errors)")
    }
    let result = schema.validate(instance, options: fuzzOptions)
    let isValid = schema.isValid(instance, options: fuzzOptions)
    precondition(result.isValid == isValid, "isValid and validate disagree for \(schemaValue) on \(instance)")
    precondition(result.errors.count <= 20, "the error limit was exceeded")
    for error in result.errors { _ = error.description }
}

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzSchema(_ data: UnsafePointer<UInt8>?, _ count: Int) -> CInt {
    fuzzOne(UnsafeRawBufferPointer(start: data, count: count))
    return 0
}

#if !FUZZING
    import Foundation

    /// Replay: `fuzz-schema FILE...` runs the inputs once (for crash files and a plain `swift build`).
    @main
    struct ReplayDriver {
        static func main() {
            for path in CommandLine.arguments.dropFirst() {
                guard let data = FileManager.default.contents(atPath: path) else {
                    print("cannot read \(path)")
                    continue
                }
                data.withUnsafeBytes { fuzzOne($0) }
                print("ok \(path)")
            }
        }
    }
#endif
