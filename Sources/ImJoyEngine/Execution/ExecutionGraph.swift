import ImJoyWorkflow

/// The static structure a ``WorkflowExecutor`` schedules by: for each op (by its position in
/// `plan.ops`) its dependencies and dependents, the ops whose results make up its data, and the
/// *lane* (one per non-functional plugin) that runs it in item order. Built once per run.
struct ExecutionGraph: Sendable {
    let opCount: Int
    let opPosition: [String: Int]
    let dependencyCounts: [Int32]
    let dependents: [[Int]]
    /// The ops whose results the op uses: its data's sources, then those of its `answers`,
    /// `args` and `kwargs` (``PlannedOp/usedOps``).
    let sources: [[Int]]
    /// How many ops reference the op's result.
    let consumerCounts: [Int32]
    /// Whether no later op consumes the op's result (it goes to the sink).
    let isTerminal: [Bool]
    let laneOfOp: [Int?]
    /// Each lane's ops, in plan order.
    let lanes: [[Int]]
    /// Whether a cache hit of the op may stay a lazy reference: it is not terminal, every
    /// consumer takes its whole result (`$op`, no field path) and none uses it in its `answers`,
    /// `args` or `kwargs` (those are evaluated to plain values before the call).
    let lazyResults: [Bool]
    /// Whether a call of the op may wait for its one consumer (``CacheLookup/deferrable``): its
    /// result is lazy (see `lazyResults`) and exactly one op consumes it.
    let deferrableOps: [Bool]

    init(plan: WorkflowPlan) {
        let ops = plan.ops
        opCount = ops.count
        let position = Dictionary(uniqueKeysWithValues: ops.enumerated().map { ($1.id, $0) })
        opPosition = position
        var dependents = [[Int]](repeating: [], count: ops.count)
        var sources = [[Int]](repeating: [], count: ops.count)
        var consumers = [Int32](repeating: 0, count: ops.count)
        for (index, op) in ops.enumerated() {
            for dependency in op.dependencies { if let d = position[dependency] { dependents[d].append(index) } }
            for source in op.usedOps {
                if let s = position[source] {
                    sources[index].append(s)
                    consumers[s] += 1
                }
            }
        }
        self.dependents = dependents
        self.sources = sources
        consumerCounts = consumers
        dependencyCounts = ops.map { Int32($0.dependencies.count) }
        let consumed = plan.validated.consumedOps
        isTerminal = ops.map { !consumed.contains($0.id) }
        (lanes, laneOfOp) = Self.lanes(of: ops)
        let lazy = ops.map { op in
            guard consumed.contains(op.id) else { return false }
            return ops.allSatisfy { other in
                !other.callSourceOps.contains(op.id) && (!other.sourceOps.contains(op.id) || Self.takesWhole(other.data, op.id))
            }
        }
        lazyResults = lazy
        deferrableOps = ops.indices.map { lazy[$0] && consumers[$0] == 1 }
    }

    /// One lane per non-functional plugin, holding its ops in plan order.
    private static func lanes(of ops: [PlannedOp]) -> (lanes: [[Int]], laneOfOp: [Int?]) {
        var laneOfAlias: [String: Int] = [:]
        var lanes: [[Int]] = []
        var laneOfOp = [Int?](repeating: nil, count: ops.count)
        for (index, op) in ops.enumerated() where !op.isFunctional {
            let key = op.pluginAlias ?? op.id
            if laneOfAlias[key] == nil {
                laneOfAlias[key] = lanes.count
                lanes.append([])
            }
            lanes[laneOfAlias[key]!].append(index)
            laneOfOp[index] = laneOfAlias[key]
        }
        return (lanes, laneOfOp)
    }

    /// Whether every reference to `op` in `expression` is `$op` itself.
    static func takesWhole(_ expression: DataExpression, _ op: String) -> Bool {
        switch expression {
        case .literal, .input: true
        case .result(let id, let path): id != op || path.isEmpty
        case .array(let elements): elements.allSatisfy { takesWhole($0, op) }
        case .object(let members): members.values.allSatisfy { takesWhole($0, op) }
        }
    }
}
