import Foundation
import ImJoySchema
import TestSupport
import Testing

@testable import ImJoyWorkflow

#if canImport(Glibc)
    import Glibc
#endif

/// Globs that reach kernel files (`/proc`, `/sys`: regular files whose size lies, reads that
/// never end) are refused at planning, also through a symbolic link (issue #19).
@Suite struct KernelInputTests {
    static func items(_ inputs: String, in folder: TemporaryDirectory) throws -> [WorkItem] {
        let workflow = try WorkflowLoader.load(
            text: #"{"name": "w", "inputs": \#(inputs), "ops": [{"id": "s", "builtin": "stats"}]}"#,
            file: folder.appending("w.json").path)
        return try BatchItems.expand(workflow)
    }

    @Test(.enabled(if: FileManager.default.fileExists(atPath: "/proc/self/pagemap"), "needs /proc/self/pagemap"))
    func aSymbolicLinkToPagemapIsRefused() throws {
        let folder = try TemporaryDirectory("kernel-inputs")
        _ = FileManager.default.createFile(atPath: folder.appending("a.tif").path, contents: Data([1]))
        try FileManager.default.createSymbolicLink(atPath: folder.appending("b.tif").path, withDestinationPath: "/proc/self/pagemap")
        let error = #expect(throws: WorkflowError.self) { try Self.items(#"{"images": {"glob": "*.tif"}}"#, in: folder) }
        #expect(error?.path == "inputs.images.glob")
        #expect(error?.message.contains("\(folder.appending("b.tif").path) is under /proc (a kernel interface, not a data file)") == true)
    }

    @Test(.enabled(if: FileManager.default.fileExists(atPath: "/proc/self/status"), "needs /proc"))
    func aGlobOverProcIsRefusedNamingHowManyMore() throws {
        let folder = try TemporaryDirectory("kernel-inputs")
        let error = #expect(throws: WorkflowError.self) { try Self.items(#"{"x": {"glob": "/proc/self/stat*"}}"#, in: folder) }
        #expect(error?.message.hasPrefix("input refused: /proc/self/stat is under /proc") == true, "\(String(describing: error))")
        #expect(error?.message.contains("more input(s) refused") == true)
    }

    @Test(.enabled(if: FileManager.default.fileExists(atPath: "/sys/kernel"), "needs /sys"))
    func aGlobOverSysIsRefused() throws {
        let folder = try TemporaryDirectory("kernel-inputs")
        #expect { try Self.items(#"{"x": {"glob": "/sys/kernel/*"}}"#, in: folder) } throws: { "\($0)".contains("is under /sys") }
    }
}
