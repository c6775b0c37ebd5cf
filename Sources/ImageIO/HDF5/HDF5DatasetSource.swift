import CHDF5
import Foundation

/// One dataset of an HDF5 file as an ``ArraySource``: a box is one hyperslab read (libhdf5
/// decodes only the chunks it touches). The dataset's header passes ``HDF5StructureCheck`` and
/// its chunk layout ``HDF5ChunkCheck`` when it is opened, as in ``HDF5File/readDataset(_:limit:maximumChunkCount:)``.
public final class HDF5DatasetSource: ArraySource {
    public let shape: [Int]
    public let dtype: DType
    public let metadata: ArrayMetadata?
    /// The file (kept open while the source lives).
    public let file: HDF5File
    /// The dataset's path.
    public let path: String
    private let dataset: HDF5Object
    /// The dataset's chunk shape, when it is chunked.
    public let chunkShape: [Int]?

    /// Opens dataset `datasetPath` of `file`.
    public init(file: HDF5File, path datasetPath: String, maximumChunkCount: Int = HDF5File.maximumChunkCount) throws(HDF5Error) {
        self.file = file
        path = datasetPath
        let filePath = file.path
        let opened = try HDF5Library.withLock { () throws(HDF5Error) -> (HDF5Object, [Int], DType) in
            let summary = try file.checkedObject(datasetPath)
            if let problem = summary.problem { throw problem.error(file: filePath, path: datasetPath) }
            guard summary.isDataset, let dataset = HDF5Object(H5Dopen2(file.file.id, datasetPath, CHDF5_H5P_DEFAULT())) else {
                _ = HDF5Library.takeErrorStack("")
                throw .notFound(file: filePath, path: datasetPath)
            }
            let (dtype, shape) = try HDF5File.datasetLayout(
                dataset.id, file: filePath, path: datasetPath, maximumChunkCount: maximumChunkCount
            ) { (dims) throws(HDF5Error) in
                guard dims.allSatisfy({ $0 <= hsize_t(1 << 48) }) else {
                    throw .unsupported(file: filePath, path: datasetPath, reason: "extents \(dims)")
                }
            }
            return (dataset, shape, dtype)
        }
        (dataset, shape, dtype) = opened
        chunkShape = HDF5Library.withLock { Self.chunks(of: opened.0.id, rank: opened.1.count) }
        metadata = HDF5Format.metadata(in: file, path: datasetPath, rank: opened.1.count)
    }

    /// The chunk shape of a chunked dataset (inside the lock).
    private static func chunks(of dataset: hid_t, rank: Int) -> [Int]? {
        let properties = H5Dget_create_plist(dataset)
        guard properties >= 0, rank > 0 else { return nil }
        defer { H5Pclose(properties) }
        guard H5Pget_layout(properties) == H5D_CHUNKED else { return nil }
        var chunk = [hsize_t](repeating: 0, count: rank)
        guard Int(H5Pget_chunk(properties, Int32(rank), &chunk)) == rank else { return nil }
        return chunk.map { Int($0) }
    }

    public func read(origin: [Int], shape box: [Int]) throws -> NDArray {
        try ArraySourceError.check(origin: origin, shape: box, in: shape)
        let output = try NDArray(zeros: box, dtype: dtype, limit: .max)
        guard output.count > 0 else { return output }
        let (filePath, datasetPath, id, dtype) = (file.path, path, dataset.id, dtype)
        try HDF5Library.withLock { () throws(HDF5Error) in
            let fileSpace = H5Dget_space(id)
            var start = origin.map { hsize_t($0) }
            var count = box.map { hsize_t($0) }
            let memorySpace = box.isEmpty ? H5Screate(H5S_SCALAR) : H5Screate_simple(Int32(box.count), &count, nil)
            let memory = HDF5DataType.memoryType(dtype)
            defer {
                H5Tclose(memory)
                if memorySpace >= 0 { H5Sclose(memorySpace) }
                if fileSpace >= 0 { H5Sclose(fileSpace) }
            }
            guard fileSpace >= 0, memorySpace >= 0,
                box.isEmpty || H5Sselect_hyperslab(fileSpace, H5S_SELECT_SET, &start, nil, &count, nil) >= 0,
                H5Dread(id, memory, memorySpace, fileSpace, CHDF5_H5P_DEFAULT(), output.storage.baseAddress) >= 0
            else {
                throw .readFailed(
                    file: filePath, path: datasetPath, reason: HDF5Library.takeErrorStack("H5Dread of \(box) at \(origin) failed"))
            }
        }
        return output
    }
}
