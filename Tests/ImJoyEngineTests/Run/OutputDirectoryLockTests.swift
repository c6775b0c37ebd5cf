import Foundation
import TestSupport
import Testing

@testable import ImJoyEngine

/// One run per out dir; the shards of an array share it (docs/execution.md).
@Suite struct OutputDirectoryLockTests {
    @Test func aSecondRunIntoTheSameOutDirFailsAtOnce() throws {
        let fixture = try RunFixture(count: 1)
        defer { fixture.remove() }
        let held = try OutputDirectoryLock.acquire(outputDirectory: fixture.out.path, shared: false, shardLabel: nil)
        defer { held.release() }
        #expect { try fixture.run() } throws: { error in
            guard case WorkflowRunError.outputLocked(let path, _, nil) = error else { return false }
            return path == fixture.out.path && "\(error)".contains("another imjoy-run is writing into \(fixture.out.path)")
        }
        held.release()
        #expect(try fixture.run().status == .succeeded)
    }

    @Test func shardsShareTheOutDirButNotTheirOwnLabel() throws {
        let directory = try Fixtures.temporaryDirectory("imjoy-run-lock")
        defer { try? FileManager.default.removeItem(at: directory) }
        let out = directory.appendingPathComponent("out").path
        let first = try OutputDirectoryLock.acquire(outputDirectory: out, shared: true, shardLabel: "shard-0000-of-0002")
        let second = try OutputDirectoryLock.acquire(outputDirectory: out, shared: true, shardLabel: "shard-0001-of-0002")
        #expect { try OutputDirectoryLock.acquire(outputDirectory: out, shared: true, shardLabel: "shard-0001-of-0002") } throws: { error in
            guard case WorkflowRunError.outputLocked(_, _, let shard) = error else { return false }
            return shard == "shard-0001-of-0002"
        }
        // A whole run waits for no shard: it fails while any holds the out dir.
        #expect(throws: WorkflowRunError.self) { try OutputDirectoryLock.acquire(outputDirectory: out, shared: false, shardLabel: nil) }
        first.release()
        second.release()
        let whole = try OutputDirectoryLock.acquire(outputDirectory: out, shared: false, shardLabel: nil)
        #expect(throws: WorkflowRunError.self) {
            try OutputDirectoryLock.acquire(outputDirectory: out, shared: true, shardLabel: "shard-0000-of-0002")
        }
        whole.release()
    }
}
