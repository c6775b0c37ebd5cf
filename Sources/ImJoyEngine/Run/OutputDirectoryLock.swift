import Foundation
import Synchronization

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// The lock a run holds on its out dir, so that two runs never write into one folder at once
/// (docs/execution.md, "One run per out dir").
///
/// `OUT/.imjoy-run/run.lock` is `flock`ed exclusively by a whole-batch run and shared by the
/// shards of an array run, which write disjoint items into one folder legitimately; each shard
/// also locks `OUT/.imjoy-run/locks/<shard label>.lock` exclusively, so the same shard cannot
/// run twice at once. Nothing waits: a taken lock is an error at once. The kernel releases
/// the locks when the process dies (also after `kill -9`); the descriptors are close-on-exec,
/// so plugin processes never hold them.
public final class OutputDirectoryLock: Sendable {
    private let descriptors: Mutex<[Int32]>

    private init(descriptors: [Int32]) {
        self.descriptors = Mutex(descriptors)
    }

    deinit { release() }

    /// Creates `OUT/.imjoy-run` (the writability check of the out dir) and takes the locks.
    /// - Parameters:
    ///   - shared: The run is one shard of several (the run lock is shared).
    ///   - shardLabel: The shard's label, locked exclusively.
    public static func acquire(outputDirectory: String, shared: Bool, shardLabel: String?) throws(WorkflowRunError) -> OutputDirectoryLock {
        let state = CompletionRecords(outputDirectory: outputDirectory).stateDirectory
        try createFolder(state, outputDirectory: outputDirectory)
        let runLock = state.appendingPathComponent("run.lock").path
        let run = try lock(runLock, exclusive: !shared, outputDirectory: outputDirectory, shard: nil)
        guard let shardLabel else { return OutputDirectoryLock(descriptors: [run]) }
        do {
            let folder = state.appendingPathComponent("locks")
            try createFolder(folder, outputDirectory: outputDirectory)
            let shardLock = folder.appendingPathComponent(shardLabel + ".lock").path
            let shard = try lock(shardLock, exclusive: true, outputDirectory: outputDirectory, shard: shardLabel)
            return OutputDirectoryLock(descriptors: [run, shard])
        } catch {
            close(run)
            throw error
        }
    }

    /// Releases the locks (also on deinit).
    public func release() {
        let open = descriptors.withLock { descriptors in
            defer { descriptors = [] }
            return descriptors
        }
        for descriptor in open { close(descriptor) }
    }

    private static func createFolder(_ url: URL, outputDirectory: String) throws(WorkflowRunError) {
        if let failure = makeFolders(url.path) {
            throw .outputNotWritable(path: outputDirectory, reason: failure)
        }
        guard access(url.path, W_OK) == 0 else {
            throw .outputNotWritable(path: outputDirectory, reason: String(cString: strerror(errno)))
        }
    }

    /// `mkdir -p`, with the failing folder and the POSIX reason on failure.
    private static func makeFolders(_ path: String) -> String? {
        var info = stat()
        if stat(path, &info) == 0 {
            return (info.st_mode & S_IFMT) == S_IFDIR ? nil : "\(path) is not a folder"
        }
        let parent = (path as NSString).deletingLastPathComponent
        if !parent.isEmpty, parent != path, let failure = makeFolders(parent) { return failure }
        if mkdir(path, 0o755) != 0 && errno != EEXIST { return "\(path): \(String(cString: strerror(errno)))" }
        return nil
    }

    private static func lock(_ path: String, exclusive: Bool, outputDirectory: String, shard: String?) throws(WorkflowRunError) -> Int32 {
        let descriptor = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0o644)
        guard descriptor >= 0 else {
            throw .outputNotWritable(path: outputDirectory, reason: "\(path): \(String(cString: strerror(errno)))")
        }
        guard flock(descriptor, (exclusive ? LOCK_EX : LOCK_SH) | LOCK_NB) == 0 else {
            let code = errno
            close(descriptor)
            if code == EWOULDBLOCK { throw .outputLocked(path: outputDirectory, lockFile: path, shard: shard) }
            throw .outputNotWritable(path: outputDirectory, reason: "locking \(path): \(String(cString: strerror(code)))")
        }
        return descriptor
    }
}
