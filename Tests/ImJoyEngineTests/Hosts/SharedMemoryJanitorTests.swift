import Foundation
import TestSupport
import Testing

@testable import ImJoyEngine

#if canImport(Glibc)
    import Glibc
#endif

/// Segments left in /dev/shm by a runner or host killed with SIGKILL are reclaimed by the next
/// run, and only theirs (issue #19).
@Suite struct SharedMemoryJanitorTests {
    /// The pid of a process that has exited and been reaped.
    static func deadPID() throws -> pid_t {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/bin/true")
        try process.run()
        process.waitUntilExit()
        return process.processIdentifier
    }

    @Test func ownersAreReadFromTheNames() {
        #expect(SharedMemoryJanitor.owner(of: "imjoy-run-123-456-0") == 123)
        #expect(SharedMemoryJanitor.owner(of: "imjoy-run-py-77-3") == 77)
        #expect(SharedMemoryJanitor.owner(of: "imjoy-run-js-8-0") == 8)
        #expect(SharedMemoryJanitor.owner(of: "imjoy-run-check-1") == nil)
        #expect(SharedMemoryJanitor.owner(of: "imjoy-run-12") == nil)
        #expect(SharedMemoryJanitor.owner(of: "other-1-2") == nil)
    }

    @Test func segmentsOfDeadProcessesAreReclaimedAndLiveOnesKept() throws {
        let directory = try Fixtures.temporaryDirectory("imjoy-run-shm")
        defer { try? FileManager.default.removeItem(at: directory) }
        let dead = try Self.deadPID()
        let me = getpid()
        let stale = ["imjoy-run-\(dead)-99-0", "imjoy-run-py-\(dead)-1", "imjoy-run-js-\(dead)-0"]
        let kept = ["imjoy-run-\(me)-99-0", "imjoy-run-py-\(me)-0", "imjoy-run-check-\(dead)", "unrelated-\(dead)-1"]
        for name in stale + kept {
            try Data([1, 2, 3]).write(to: directory.appendingPathComponent(name))
        }
        let removed = SharedMemoryJanitor.reclaimStale(directory: directory.path)
        #expect(Set(removed) == Set(stale))
        let left = try FileManager.default.contentsOfDirectory(atPath: directory.path)
        #expect(Set(left) == Set(kept))
    }

    @Test func aReusedPidDoesNotProtectAnOldSegment() throws {
        // A live process that started after the segment last changed cannot have made it.
        let sleeper = Process()
        sleeper.executableURL = URL(fileURLWithPath: "/bin/sleep")
        sleeper.arguments = ["30"]
        try sleeper.run()
        defer {
            kill(sleeper.processIdentifier, SIGKILL)
            sleeper.waitUntilExit()
        }
        let now = Date().timeIntervalSince1970
        let started = try #require(SharedMemoryJanitor.startTime(of: sleeper.processIdentifier))
        #expect(abs(started - now) < 5, "start time \(started) vs now \(now)")
        #expect(SharedMemoryJanitor.isStale(owner: sleeper.processIdentifier, segmentChanged: now - 60))
        #expect(!SharedMemoryJanitor.isStale(owner: sleeper.processIdentifier, segmentChanged: now + 1))
        #expect(!SharedMemoryJanitor.isStale(owner: getpid(), segmentChanged: now))
        #expect(SharedMemoryJanitor.isStale(owner: try Self.deadPID(), segmentChanged: now))
    }
}
