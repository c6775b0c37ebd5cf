import CHDF5
import Foundation

extension HDF5Writer {
    /// Creates an external link at `linkPath` to `targetPath` in the file `targetFile` — no data
    /// is copied. A relative `targetFile` is resolved by HDF5 against the directory of the file
    /// that holds the link (after `HDF5_EXT_PREFIX` and the current directory), so a master file
    /// and its shard files can move together. Missing parent groups are created.
    public func createExternalLink(_ linkPath: String, targetFile: String, targetPath: String) throws(HDF5Error) {
        let parent = (linkPath as NSString).deletingLastPathComponent
        if !parent.isEmpty && parent != "/" { try createGroup(parent) }
        let id = try openFile(linkPath)
        let filePath = path
        try HDF5Library.withLock { () throws(HDF5Error) in
            guard H5Lcreate_external(targetFile, targetPath, id, linkPath, CHDF5_H5P_DEFAULT(), CHDF5_H5P_DEFAULT()) >= 0 else {
                throw .writeFailed(file: filePath, path: linkPath, reason: HDF5Library.takeErrorStack("H5Lcreate_external failed"))
            }
        }
    }
}
