/// A cycle among ops, as the ids along it.
public struct DependencyCycle: Error, Sendable, Equatable {
    public var ids: [String]
}

/// Orders nodes so that each comes after its dependencies (Kahn's algorithm), keeping the
/// input order among nodes that are ready together, or finds a cycle.
public enum DependencyOrder {
    /// - Parameter nodes: `(id, dependencies)` pairs; dependencies on unknown ids are ignored.
    public static func sort(_ nodes: [(id: String, dependencies: [String])]) -> Result<[String], DependencyCycle> {
        let index = Dictionary(nodes.enumerated().map { ($1.id, $0) }, uniquingKeysWith: { first, _ in first })
        var remaining = nodes.map { Set($0.dependencies.compactMap { index[$0] }) }
        var dependents = [[Int]](repeating: [], count: nodes.count)
        for (i, deps) in remaining.enumerated() { for d in deps { dependents[d].append(i) } }
        var ready = (0..<nodes.count).filter { remaining[$0].isEmpty }
        var order: [Int] = []
        var emitted = [Bool](repeating: false, count: nodes.count)
        while let next = ready.min() {
            ready.removeAll { $0 == next }
            order.append(next)
            emitted[next] = true
            for dependent in dependents[next] {
                remaining[dependent].remove(next)
                if remaining[dependent].isEmpty { ready.append(dependent) }
            }
        }
        if order.count == nodes.count { return .success(order.map { nodes[$0].id }) }
        return .failure(findCycle(nodes: nodes, index: index, among: (0..<nodes.count).filter { !emitted[$0] }))
    }

    /// Walks dependencies from an unemitted node until a node repeats.
    private static func findCycle(nodes: [(id: String, dependencies: [String])], index: [String: Int], among stuck: [Int])
        -> DependencyCycle
    {
        let stuckSet = Set(stuck)
        var path: [Int] = []
        var position: [Int: Int] = [:]
        var current = stuck[0]
        while position[current] == nil {
            position[current] = path.count
            path.append(current)
            current = nodes[current].dependencies.compactMap { index[$0] }.first { stuckSet.contains($0) } ?? current
        }
        // path[position[current]...] is the cycle, walked against the dependency direction.
        let cycle = path[position[current]!...].map { nodes[$0].id }
        return DependencyCycle(ids: Array(cycle.reversed()))
    }
}
