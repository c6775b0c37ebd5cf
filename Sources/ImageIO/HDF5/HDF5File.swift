import CHDF5
import Foundation

/// An HDF5 file open for reading: datasets as ``NDArray`` values, groups and attributes.
///
/// Every HDF5 call runs under ``HDF5Library``'s lock, so a file may be used from any thread.
///
/// Damaged files give typed errors, not crashes: before libhdf5 opens a group, dataset or the
/// attributes of an object, ``HDF5StructureCheck`` validates the object header of that object and
/// of every group on its path (libhdf5 1.10 decodes header messages without bounds checks).
// @unchecked: its two caches are touched only inside the HDF5 lock; the rest is immutable.
public final class HDF5File: @unchecked Sendable {
    // MARK: - Properties

    /// The file's path, used in errors.
    public let path: String
    let file: HDF5Object
    let structure: HDF5StructureCheck
    /// Object header checks by address (relative to the superblock); touched only inside the lock.
    private var checkedHeaders: [UInt64: HDF5ObjectSummary] = [:]
    /// Paths resolved by `checkedObject` (each link looked up once, however deep the walk and
    /// however many soft links lead there); touched only inside the lock.
    private var resolvedPaths: [String: HDF5ObjectSummary] = [:]

    /// The kind of object at a path.
    public enum ObjectKind: Sendable, Equatable {
        case group, dataset
    }

    /// The number of HDF5 objects (files, groups, datasets, types, attributes) open in the process;
    /// 0 when every ImageIO handle has been released. Fuzzing and tests use it to find id leaks.
    public static var openObjectCount: Int {
        HDF5Library.withLock { Int(H5Fget_obj_count(hid_t(0x1F), 0x1F)) }  // H5F_OBJ_ALL objects of H5F_OBJ_ALL files
    }

    // MARK: - Opening

    /// Opens `url` read-only.
    ///
    /// - Throws: ``HDF5Error/cannotOpen(file:reason:)`` for missing, empty, truncated or non-HDF5
    ///   files, and when the superblock or the root group's header fails ``HDF5StructureCheck``.
    public init(contentsOf url: URL) throws(HDF5Error) {
        path = url.path
        let filePath = path
        let result: Result<(HDF5Object, HDF5StructureCheck), HDF5Error> = HDF5Library.withLock {
            guard FileManager.default.isReadableFile(atPath: filePath), let source = HDF5ByteSource(path: filePath) else {
                return .failure(.cannotOpen(file: filePath, reason: "no such readable file"))
            }
            guard H5Fis_hdf5(filePath) > 0 else {
                return .failure(.cannotOpen(file: filePath, reason: HDF5Library.takeErrorStack("no HDF5 signature")))
            }
            let structure: HDF5StructureCheck
            do throws(HDF5FormatProblem) {
                structure = try HDF5File.checkedStructure(source)
            } catch {
                return .failure(.cannotOpen(file: filePath, reason: error.reason))
            }
            guard let object = HDF5Object(H5Fopen(filePath, CHDF5_H5F_ACC_RDONLY(), HDF5Library.fileAccess.id)) else {
                return .failure(.cannotOpen(file: filePath, reason: HDF5Library.takeErrorStack("H5Fopen failed")))
            }
            return .success((object, structure))
        }
        (file, structure) = try result.get()
    }

    /// Opens an HDF5 file image held in memory (HDF5's core driver; nothing touches the disk).
    ///
    /// - Parameter name: the name used in errors, e.g. where the bytes came from.
    /// - Throws: ``HDF5Error/cannotOpen(file:reason:)`` for empty, truncated or non-HDF5 bytes.
    public init(image bytes: UnsafeRawBufferPointer, name: String) throws(HDF5Error) {
        path = name
        let result: Result<(HDF5Object, HDF5StructureCheck), HDF5Error> = HDF5Library.withLock {
            guard let base = bytes.baseAddress, bytes.count > 0 else {
                return .failure(.cannotOpen(file: name, reason: "empty"))
            }
            let structure: HDF5StructureCheck
            do throws(HDF5FormatProblem) {
                structure = try HDF5File.checkedStructure(HDF5ByteSource(image: bytes))
            } catch {
                return .failure(.cannotOpen(file: name, reason: error.reason))
            }
            guard let access = HDF5Object(H5Pcreate(CHDF5_H5P_FILE_ACCESS())),
                H5Pset_fapl_core(access.id, 1 << 16, false) >= 0,
                // Copies the image: HDF5 may keep it after H5Fopen returns.
                H5Pset_file_image(access.id, UnsafeMutableRawPointer(mutating: base), bytes.count) >= 0
            else {
                return .failure(.cannotOpen(file: name, reason: HDF5Library.takeErrorStack("cannot set up the core driver")))
            }
            // A name of its own for libhdf5: the core driver treats two open images of the same
            // name as one file (the second H5Fopen returned the first image's contents), and
            // refuses a name that exists on disk. `path` keeps `name` for errors.
            HDF5File.imageCount += 1
            let internalName =
                "/nonexistent-imjoy-hdf5-image/\(getpid())-\(HDF5File.imageCount)/" + name.replacingOccurrences(of: "/", with: "_")
            guard let object = HDF5Object(H5Fopen(internalName, CHDF5_H5F_ACC_RDONLY(), access.id)) else {
                return .failure(.cannotOpen(file: name, reason: HDF5Library.takeErrorStack("H5Fopen failed")))
            }
            return .success((object, structure))
        }
        (file, structure) = try result.get()
    }

    /// Images opened so far (their libhdf5 names must differ); guarded by the HDF5 lock.
    nonisolated(unsafe) private static var imageCount = 0

    // MARK: - Structure

    /// The kind of object at `objectPath`, or `nil` if there is none.
    ///
    /// The kind comes from which messages ``HDF5StructureCheck`` found in the object's header, so
    /// a dataset with a damaged message is still a dataset (reading it gives the error); `nil`
    /// when the header itself cannot be parsed or a group on the path is damaged.
    public func kind(at objectPath: String) -> ObjectKind? {
        HDF5Library.withLock {
            guard let summary = try? checkedObject(objectPath) else { return nil }
            return summary.isGroup ? .group : summary.isDataset ? .dataset : nil
        }
    }

    /// The names of the members of the group at `groupPath`, in name order (at most `limit`).
    public func members(of groupPath: String = "/", limit: Int = 1 << 20) throws(HDF5Error) -> [String] {
        let filePath = path
        let id = file.id
        return try HDF5Library.withLock { () throws(HDF5Error) -> [String] in
            let summary = try checkedObject(groupPath)
            if let problem = summary.problem { throw problem.error(file: filePath, path: groupPath) }
            guard summary.isGroup else { throw .notFound(file: filePath, path: groupPath) }
            let group = H5Gopen2(id, groupPath, CHDF5_H5P_DEFAULT())
            guard group >= 0 else {
                _ = HDF5Library.takeErrorStack("")
                throw .notFound(file: filePath, path: groupPath)
            }
            defer { H5Gclose(group) }
            var info = H5G_info_t()
            guard H5Gget_info(group, &info) >= 0 else {
                throw .readFailed(file: filePath, path: groupPath, reason: HDF5Library.takeErrorStack("H5Gget_info failed"))
            }
            guard info.nlinks <= 1 << 20 else { throw .unsupported(file: filePath, path: groupPath, reason: "\(info.nlinks) members") }
            var names: [String] = []
            for index in 0..<min(info.nlinks, hsize_t(max(limit, 0))) {
                let length = H5Lget_name_by_idx(group, ".", H5_INDEX_NAME, H5_ITER_INC, index, nil, 0, CHDF5_H5P_DEFAULT())
                guard length >= 0, length < 1 << 16 else { continue }
                var buffer = [CChar](repeating: 0, count: Int(length) + 1)
                _ = H5Lget_name_by_idx(group, ".", H5_INDEX_NAME, H5_ITER_INC, index, &buffer, buffer.count, CHDF5_H5P_DEFAULT())
                names.append(String(decoding: buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self))
            }
            return names
        }
    }

    /// The paths of every dataset below `groupPath` (depth first, name order), visiting at most
    /// `maximumObjectCount` links and 64 levels (damaged files can claim millions of links).
    public func datasetPaths(under groupPath: String = "/", maximumObjectCount: Int = 100_000) throws(HDF5Error) -> [String] {
        var result: [String] = []
        var visited = 0
        func walk(_ group: String, depth: Int) throws(HDF5Error) {
            guard depth < 64 else { return }
            for name in try members(of: group, limit: maximumObjectCount - visited) {
                visited += 1
                guard visited <= maximumObjectCount else { return }
                let child = group == "/" ? "/" + name : group + "/" + name
                switch kind(at: child) {
                case .dataset: result.append(child)
                case .group: try walk(child, depth: depth + 1)
                case nil: continue
                }
            }
        }
        try walk(groupPath, depth: 0)
        return result
    }

    // MARK: - Datasets

    /// Reads the dataset at `datasetPath` (contiguous, chunked, any filter the library has:
    /// gzip, shuffle, fletcher32, …).
    ///
    /// - Parameters:
    ///   - limit: the largest array to allocate (guards absurd dimensions).
    ///   - maximumChunkCount: the most chunks read in one call (libhdf5 keeps bookkeeping per chunk).
    public func readDataset(
        _ datasetPath: String, limit: Int = NDArray.maximumByteCount, maximumChunkCount: Int = HDF5File.maximumChunkCount
    ) throws(HDF5Error) -> NDArray {
        let filePath = path
        let id = file.id
        return try HDF5Library.withLock { () throws(HDF5Error) -> NDArray in
            let summary = try checkedObject(datasetPath)
            if let problem = summary.problem { throw problem.error(file: filePath, path: datasetPath) }
            guard summary.isDataset else { throw .notFound(file: filePath, path: datasetPath) }
            let dataset = H5Dopen2(id, datasetPath, CHDF5_H5P_DEFAULT())
            guard dataset >= 0 else {
                _ = HDF5Library.takeErrorStack("")
                throw .notFound(file: filePath, path: datasetPath)
            }
            defer { H5Dclose(dataset) }
            let (dtype, shape) = try Self.datasetLayout(
                dataset, file: filePath, path: datasetPath, maximumChunkCount: maximumChunkCount
            ) { (dims) throws(HDF5Error) in
                guard dims.allSatisfy({ $0 <= hsize_t(Int.max) }) else {
                    throw .tooLarge(file: filePath, path: datasetPath, byteCount: .max, limit: limit)
                }
            }
            let array: NDArray
            do throws(NDArrayError) {
                array = try NDArray(zeros: shape, dtype: dtype, limit: limit)
            } catch .tooLarge(let n, let limit) {
                throw .tooLarge(file: filePath, path: datasetPath, byteCount: n, limit: limit)
            } catch {
                throw .tooLarge(file: filePath, path: datasetPath, byteCount: .max, limit: limit)
            }
            guard array.count > 0 else { return array }
            let memory = HDF5DataType.memoryType(dtype)
            defer { H5Tclose(memory) }
            let status = H5Dread(dataset, memory, CHDF5_H5S_ALL(), CHDF5_H5S_ALL(), CHDF5_H5P_DEFAULT(), array.storage.baseAddress)
            guard status >= 0 else {
                throw .readFailed(file: filePath, path: datasetPath, reason: HDF5Library.takeErrorStack("H5Dread failed"))
            }
            return array
        }
    }

    /// The most chunks ``readDataset(_:limit:)`` reads in one call.
    public static let maximumChunkCount = 1 << 20

    // MARK: - Attributes

    /// The attributes of the object at `objectPath` that ImageIO can represent (numbers, strings
    /// and 1-d arrays of them; multi-dimensional attributes come back flattened).
    ///
    /// - Parameter variableLengthStrings: whether variable-length strings are read. They live in
    ///   the file's global heap, which libhdf5 1.10 reads without bounds checks (a corrupted heap
    ///   can crash it, see Fuzz/README.md); pass `false` for untrusted files.
    /// - Throws: ``HDF5Error/unsupported(file:path:reason:)`` or ``HDF5Error/readFailed(file:path:reason:)``
    ///   when the object's header or one of its attribute messages fails ``HDF5StructureCheck``
    ///   (dense attribute storage only in a checksummed fractal heap), ``HDF5Error/notFound(file:path:)``
    ///   for no object.
    public func attributes(of objectPath: String = "/", variableLengthStrings: Bool = true) throws(HDF5Error) -> [(
        name: String, value: HDF5AttributeValue
    )] {
        let filePath = path
        let id = file.id
        return try HDF5Library.withLock { () throws(HDF5Error) -> [(name: String, value: HDF5AttributeValue)] in
            let summary = try checkedObject(objectPath)
            if let problem = summary.problem ?? summary.attributeProblem { throw problem.error(file: filePath, path: objectPath) }
            let object = H5Oopen(id, objectPath, CHDF5_H5P_DEFAULT())
            guard object >= 0 else {
                _ = HDF5Library.takeErrorStack("")
                throw .notFound(file: filePath, path: objectPath)
            }
            defer { H5Oclose(object) }
            let values = HDF5Attributes.readAll(of: object, variableLengthStrings: variableLengthStrings)
            _ = HDF5Library.takeErrorStack("")
            return values
        }
    }
}

// MARK: - Structure checks

extension HDF5File {
    /// Parses the superblock and checks the root group's header and the superblock extension's
    /// framing: libhdf5 decodes both inside `H5Fopen`.
    fileprivate static func checkedStructure(_ source: HDF5ByteSource) throws(HDF5FormatProblem) -> HDF5StructureCheck {
        let structure = try HDF5StructureCheck(source: source)
        if let problem = structure.checkObject(at: structure.rootAddress).problem { throw problem.within("root group") }
        if let address = structure.extensionAddress {
            _ = try withContext("superblock extension") { () throws(HDF5FormatProblem) in try structure.messages(at: address) }
        }
        return structure
    }

    /// Checks the object header of every group on `objectPath` (libhdf5 decodes their links to
    /// find the object) and of the object itself, following soft links; call inside the lock
    /// before libhdf5 opens the object. Addresses come from the links (`H5Lget_info`), which
    /// libhdf5 reads without loading the target's header. External links are refused (the
    /// linked file would be opened unchecked).
    ///
    /// - Throws: ``HDF5Error/notFound(file:path:)`` and the problem of a group on the path; the
    ///   object's own problems are in the summary.
    func checkedObject(_ objectPath: String, softLinks: Int = 0) throws(HDF5Error) -> HDF5ObjectSummary {
        guard softLinks <= 16 else { throw .unsupported(file: path, path: objectPath, reason: "more than 16 nested soft links") }
        var current = summary(at: structure.rootAddress)
        var prefix = ""
        for component in objectPath.split(separator: "/") where component != "." {
            let parent = prefix.isEmpty ? "/" : prefix
            if let problem = current.problem { throw problem.error(file: path, path: parent) }
            guard current.isGroup else { throw .notFound(file: path, path: objectPath) }
            prefix += "/" + component
            if let resolved = resolvedPaths[prefix] {
                current = resolved
                continue
            }
            guard H5Lexists(file.id, prefix, CHDF5_H5P_DEFAULT()) > 0 else {
                _ = HDF5Library.takeErrorStack("")
                throw .notFound(file: path, path: objectPath)
            }
            var link = H5L_info_t()
            guard H5Lget_info(file.id, prefix, &link, CHDF5_H5P_DEFAULT()) >= 0 else {
                throw .readFailed(file: path, path: prefix, reason: HDF5Library.takeErrorStack("H5Lget_info failed"))
            }
            switch link.type {
            case H5L_TYPE_HARD:
                current = summary(at: UInt64(link.u.address))
            case H5L_TYPE_SOFT:
                let size = link.u.val_size
                guard size > 0, size < 1 << 16 else { throw .readFailed(file: path, path: prefix, reason: "soft link of \(size) bytes") }
                var value = [CChar](repeating: 0, count: size + 1)
                guard H5Lget_val(file.id, prefix, &value, value.count, CHDF5_H5P_DEFAULT()) >= 0 else {
                    throw .readFailed(file: path, path: prefix, reason: HDF5Library.takeErrorStack("H5Lget_val failed"))
                }
                let target = String(decoding: value.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
                let resolved = target.hasPrefix("/") ? target : (parent == "/" ? "/" : parent + "/") + target
                current = try checkedObject(resolved, softLinks: softLinks + 1)
            case H5L_TYPE_EXTERNAL:
                throw .unsupported(file: path, path: objectPath, reason: "external link \(prefix) (the linked file is not checked)")
            default:
                throw .unsupported(file: path, path: objectPath, reason: "user-defined link \(prefix)")
            }
            if resolvedPaths.count < 1 << 16 { resolvedPaths[prefix] = current }
        }
        return current
    }

    /// The check of the object header at `address` (relative), cached.
    private func summary(at address: UInt64) -> HDF5ObjectSummary {
        if let cached = checkedHeaders[address] { return cached }
        let summary = structure.checkObject(at: address)
        checkedHeaders[address] = summary
        return summary
    }

    /// The object header address of `objectPath` relative to the superblock (for tests; loads
    /// the header, so only for files that passed the check).
    func objectHeaderAddress(_ objectPath: String) -> UInt64? {
        HDF5Library.withLock {
            var info = H5O_info_t()
            guard H5Oget_info_by_name2(file.id, objectPath, &info, 0x0001, CHDF5_H5P_DEFAULT()) >= 0 else {
                _ = HDF5Library.takeErrorStack("")
                return nil
            }
            return UInt64(info.addr)
        }
    }
}
