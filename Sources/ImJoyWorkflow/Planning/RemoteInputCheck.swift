import Foundation
import ImJoySchema

/// Remote inputs (`http(s)://`, `s3://`) while a batch is planned: checked by syntax only
/// (``RemoteLocation``), never fetched, so `validate` and `--dry-run` touch no network. A URL
/// that fails to parse is an error naming the input and the URL; globs and CSV files must be
/// local (both would have to be fetched while planning).
enum RemoteInputCheck {
    /// Throws for the first URL of `values` that cannot name a remote object.
    static func check(_ values: [String], workflow: Workflow, path: String) throws(WorkflowError) {
        for (index, value) in values.enumerated() where RemoteLocation.isRemote(value) {
            do { _ = try RemoteLocation(parsing: value) } catch {
                throw WorkflowError(file: workflow.file, path: "\(path)[\(index)]", message: "input refused: \(error)")
            }
        }
    }

    static func globRefusal(_ pattern: String) -> String {
        "'\(pattern)': globs match local files only; list remote inputs with \"files\" or a CSV column"
    }

    static func csvRefusal(_ file: String) -> String {
        "'\(file)': a CSV input is read while the batch is planned, which fetches nothing; download it (its rows may hold URLs)"
    }
}
