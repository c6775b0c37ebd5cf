import CHDF5

/// Checks a chunked dataset's layout before `H5Dread`, because libhdf5 1.10 trusts it.
///
/// Damaged files found by fuzz-hdf5 crash or exhaust memory inside libhdf5 otherwise: a chunk
/// dimension larger than the fixed dataset extent makes `H5Dread` copy past its chunk buffer
/// (SEGV in `H5VM_memcpyvv`), and millions of tiny chunks cost ~200 bytes of bookkeeping each.
/// Every rule here is one HDF5 itself enforces when it creates a dataset, except the chunk limit,
/// so files written by HDF5 (h5py, HDFView, ImageIO) always pass.
enum HDF5ChunkCheck {
    /// Why the dataset must not be read, or `nil` when it is not chunked or its chunks are sound.
    /// Call inside the lock.
    static func problem(dataset: hid_t, space: hid_t, elementSize: Int, maximumChunkCount: Int) -> String? {
        let properties = H5Dget_create_plist(dataset)
        guard properties >= 0 else { return nil }
        defer { H5Pclose(properties) }
        guard H5Pget_layout(properties) == H5D_CHUNKED else { return nil }

        let rank = Int(H5Sget_simple_extent_ndims(space))
        guard rank > 0, rank <= 32 else { return "a chunked dataset of rank \(rank)" }
        var extent = [hsize_t](repeating: 0, count: rank)
        var maximum = extent
        H5Sget_simple_extent_dims(space, &extent, &maximum)
        var chunk = [hsize_t](repeating: 0, count: rank)
        let chunkRank = Int(H5Pget_chunk(properties, Int32(rank), &chunk))
        guard chunkRank == rank else { return "chunk rank \(chunkRank) for a dataset of rank \(rank)" }

        var chunkBytes = hsize_t(max(elementSize, 1))
        var count: hsize_t? = 1  // nil once the chunk count overflows
        var isEmpty = false
        for dimension in 0..<rank {
            let size = chunk[dimension]
            guard size > 0 else { return "chunk shape \(chunk)" }
            if maximum[dimension] != CHDF5_H5S_UNLIMITED(), size > maximum[dimension] {
                return "chunk shape \(chunk) exceeds the fixed shape \(maximum)"
            }
            let (bytes, bytesOverflow) = chunkBytes.multipliedReportingOverflow(by: size)
            // HDF5 stores chunk sizes in 32 bits.
            guard !bytesOverflow, bytes < 1 << 32 else { return "chunks of shape \(chunk) exceed 4 GiB" }
            chunkBytes = bytes
            let perDimension = extent[dimension] / size + (extent[dimension] % size == 0 ? 0 : 1)
            count = count.flatMap { product in
                let (next, overflow) = product.multipliedReportingOverflow(by: perDimension)
                return overflow ? nil : next
            }
            isEmpty = isEmpty || perDimension == 0
        }
        guard !isEmpty else { return nil }  // an empty dataset reads no chunk
        guard let count, count <= hsize_t(maximumChunkCount) else {
            return "\(count.map(String.init) ?? "more than 2^64") chunks exceed the limit of \(maximumChunkCount)"
        }
        return nil
    }
}
