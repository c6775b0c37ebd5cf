import Testing

@testable import ImJoyEngine

@Suite struct ShardFileNameTests {
    @Test func sharedFilesGetTheShardLabel() {
        #expect(SharedHDF5Files.shardPath("smooth.h5", label: "shard-0003-of-0008") == "smooth.shard-0003-of-0008.h5")
        #expect(SharedHDF5Files.shardPath("a/b.c/data.hdf5", label: "shard-0000-of-0002") == "a/b.c/data.shard-0000-of-0002.hdf5")
        #expect(SharedHDF5Files.shardPath("noext", label: "shard-0001-of-0002") == "noext.shard-0001-of-0002")
        #expect(SharedHDF5Files(shardLabel: nil).sharedPath("x.h5") == "x.h5")
    }

    @Test func gatherFindsTheMasterName() {
        #expect(ShardGather.shardFileParts("smooth.shard-0003-of-0008.h5", shards: 8)! == ("smooth.h5", 3))
        #expect(ShardGather.shardFileParts("d/x.y.shard-12345-of-20000.h5", shards: 20000)! == ("d/x.y.h5", 12345))
        #expect(ShardGather.shardFileParts("smooth.h5", shards: 8) == nil)
        #expect(ShardGather.relativePath(from: "", to: "smooth.shard-0000-of-0002.h5") == "smooth.shard-0000-of-0002.h5")
        #expect(ShardGather.relativePath(from: "a/b", to: "a/b/s.h5") == "s.h5")
        #expect(ShardGather.relativePath(from: "a/b", to: "a/c/s.h5") == "../c/s.h5")
    }
}
