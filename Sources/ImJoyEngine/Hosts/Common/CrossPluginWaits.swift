import Synchronization

/// Which op calls hold which single-process plugins and which one each waits for, across the
/// cross-plugin calls of a run, so that a call that would wait forever fails instead: op 1 in
/// plugin A calling B while op 2 in B calls A would otherwise block both for good.
final class CrossPluginWaits: Sendable {
    private struct Chain {
        var holds: Set<ObjectIdentifier>
        var waitsFor: ObjectIdentifier?
    }

    private let chains = Mutex<[String: Chain]>([:])

    /// Records that the call `chain` (holding `holds`) is about to wait for `target`; throws
    /// naming the plugins when that wait closes a cycle of waits.
    func willWait(chain: String, holds: [PluginHost], for target: PluginHost) throws {
        let cycle: Bool = chains.withLock { chains in
            chains[chain] = Chain(holds: Set(holds.map(ObjectIdentifier.init)), waitsFor: ObjectIdentifier(target))
            return Self.waitsInCycle(from: chain, chains)
        }
        if cycle {
            done(chain: chain)
            throw PluginHostError.other(
                "calling \(target.name) would wait forever: it is serving another op whose call waits for a plugin this call holds (\(holds.map(\.name).joined(separator: ", "))); order the ops with \"after\", or flag the plugins functional"
            )
        }
    }

    /// The wait of `chain` is over (it got its process, or failed).
    func done(chain: String) {
        _ = chains.withLock { $0.removeValue(forKey: chain) }
    }

    /// Whether following "waits for a plugin held by" from `start` comes back to `start`.
    private static func waitsInCycle(from start: String, _ chains: [String: Chain]) -> Bool {
        var frontier = [start]
        var visited = Set<String>()
        while let current = frontier.popLast() {
            guard let target = chains[current]?.waitsFor else { continue }
            for (other, chain) in chains where chain.holds.contains(target) {
                if other == start { return true }
                if visited.insert(other).inserted { frontier.append(other) }
            }
        }
        return false
    }
}
