import Foundation
import Testing

@testable import ImJoyWorkflow

/// docs/builtin-ops.md's parameter table is the one the declarations make.
@Suite struct BuiltinOpsTableTests {
    @Test func docsTableMatchesTheDeclarations() throws {
        let docs = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
            .appendingPathComponent("../../../docs/builtin-ops.md").standardizedFileURL
        let text = try String(contentsOf: docs, encoding: .utf8)
        let begin = "<!-- parameters: generated from BuiltinOps.declarations (imjoy-run ops --markdown) -->\n"
        let end = "\n<!-- end of parameters -->"
        let start = try #require(text.range(of: begin))
        let stop = try #require(text.range(of: end))
        #expect(String(text[start.upperBound..<stop.lowerBound]) == BuiltinOps.markdownTable)
    }

    @Test func uiIsMadeFromTheDeclarations() throws {
        let writeTIFF = try #require(BuiltinOps.declaration("write-tiff"))
        #expect(writeTIFF.ui.contains("{id: 'level', type: 'number', placeholder: 6, min: 1, max: 22}"))
        let level = try #require(BuiltinOps.description("write-tiff")?.parameters.first { $0.id == "level" })
        #expect(level.maximum == 22 && level.defaultValue == 6)
        #expect(BuiltinOps.declaration("read-tiff")?.readsFile == true)
        #expect(BuiltinOps.declaration("write-hdf5")?.writesFiles == true)
        #expect(BuiltinOps.declaration("gaussian")?.storesResult == true)
    }
}
