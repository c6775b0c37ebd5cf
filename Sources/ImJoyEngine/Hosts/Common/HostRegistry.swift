import Foundation
import Synchronization

#if canImport(Glibc)
    import Glibc
#endif

/// Every live ``PluginHosts`` of the process, so that signal handlers can stop them.
final class HostRegistry: Sendable {
    static let shared = HostRegistry()
    private let hosts = Mutex<[ObjectIdentifier: PluginHosts]>([:])

    func add(_ host: PluginHosts) {
        hosts.withLock { $0[ObjectIdentifier(host)] = host }
    }

    func remove(_ host: PluginHosts) {
        _ = hosts.withLock { $0.removeValue(forKey: ObjectIdentifier(host)) }
    }

    var all: [PluginHosts] {
        hosts.withLock { Array($0.values) }
    }
}

extension PluginHosts {
    /// Kills every process of every run at once, with the processes they forked.
    public static func killAll() {
        for hosts in HostRegistry.shared.all {
            for host in hosts.distinctHosts { host.killAll() }
        }
    }

    /// For SIGINT/SIGTERM handlers: forwards SIGTERM to every plugin process (and its process
    /// group), waits up to `grace` seconds for them to exit, then kills the rest and removes the
    /// shared memory the interrupted calls would have removed.
    public static func terminateAll(grace: Double) {
        let hosts = HostRegistry.shared.all.flatMap(\.distinctHosts)
        for host in hosts { host.signalAll(SIGTERM) }
        let deadline = Date().addingTimeInterval(grace)
        while Date() < deadline, hosts.contains(where: { $0.hasLiveProcesses }) { usleep(20_000) }
        for host in hosts { host.killAll() }
        let hostPrefixes = hosts.flatMap { host in
            host.processIDs.map { "\(host.launch.runtime.hostSegmentPrefix)\($0)-" }
        }
        SharedMemoryJanitor.remove(prefixes: [SharedMemoryJanitor.runnerPrefix + "-"] + hostPrefixes)
    }
}
