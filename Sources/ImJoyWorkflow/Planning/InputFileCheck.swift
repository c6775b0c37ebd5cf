import Foundation
import ImJoySchema

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// Refuses input paths that a reader would hang on or never finish: FIFOs, devices, sockets and
/// anything under `/proc`, `/sys` or `/dev`. Planning calls it for every file an input names, so
/// such inputs are an error before anything runs (a FIFO named `*.tif` would otherwise block its
/// reader forever, `/proc/self/pagemap` never ends).
public enum InputFileCheck {
    /// Why `path` must not be read as an input, or `nil` when it may be (a regular file, a
    /// directory, or a path that does not exist: its reader reports that). URLs are not local
    /// files (``RemoteInputCheck`` checks their syntax; nothing is fetched while planning).
    public static func refusal(_ path: String) -> String? {
        if RemoteLocation.isRemote(path) { return nil }
        var info = stat()
        guard stat(path, &info) == 0 else { return nil }
        if let kind = DocumentFile.nonRegularKind(mode: info.st_mode) { return "\(path) is \(kind), not a regular file" }
        if let area = DocumentFile.kernelArea(path) {
            return "\(path) is under \(area) (a kernel interface, not a data file)"
        }
        return nil
    }

    /// Throws for the first refused path of `paths`, naming how many others are refused too.
    static func check(_ paths: [String], workflow: Workflow, path: String) throws(WorkflowError) {
        var refusals: [String] = []
        for file in paths {
            if let refusal = refusal(file) { refusals.append(refusal) }
        }
        guard let first = refusals.first else { return }
        let more = refusals.count > 1 ? " (and \(refusals.count - 1) more input(s) refused)" : ""
        throw WorkflowError(file: workflow.file, path: path, message: "input refused: \(first)\(more); inputs must be regular files")
    }
}
