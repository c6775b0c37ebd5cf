import CHDF5

extension HDF5File {
    /// The element type and extents of an open dataset, checked before anything is read: a
    /// supported datatype, rank ≤ 32, extents `checkExtents` accepts, and a chunk count
    /// ``HDF5ChunkCheck`` allows. Call inside ``HDF5Library/withLock(_:)``. Shared by
    /// ``readDataset(_:limit:maximumChunkCount:)`` and ``HDF5DatasetSource``.
    static func datasetLayout(
        _ dataset: hid_t, file filePath: String, path datasetPath: String, maximumChunkCount: Int,
        checkExtents: ([hsize_t]) throws(HDF5Error) -> Void
    ) throws(HDF5Error) -> (dtype: DType, shape: [Int]) {
        let type = H5Dget_type(dataset)
        let space = H5Dget_space(dataset)
        defer {
            if type >= 0 { H5Tclose(type) }
            if space >= 0 { H5Sclose(space) }
        }
        guard type >= 0, space >= 0 else {
            throw .readFailed(file: filePath, path: datasetPath, reason: HDF5Library.takeErrorStack("no datatype or dataspace"))
        }
        let dtype: DType
        switch HDF5DataType.dtype(of: type) {
        case .success(let value): dtype = value
        case .failure(let unsupported): throw .unsupported(file: filePath, path: datasetPath, reason: unsupported.reason)
        }
        let rank = H5Sget_simple_extent_ndims(space)
        guard rank >= 0, rank <= 32 else { throw .unsupported(file: filePath, path: datasetPath, reason: "rank \(rank)") }
        var dims = [hsize_t](repeating: 0, count: Int(rank))
        if rank > 0 { H5Sget_simple_extent_dims(space, &dims, nil) }
        try checkExtents(dims)
        if let problem = HDF5ChunkCheck.problem(
            dataset: dataset, space: space, elementSize: H5Tget_size(type), maximumChunkCount: maximumChunkCount)
        {
            throw .unsupported(file: filePath, path: datasetPath, reason: problem)
        }
        return (dtype, dims.map { Int($0) })
    }
}
