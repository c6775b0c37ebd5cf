import Foundation
import ImJoySchema

/// A run report: one self-contained HTML page (inline CSS and SVG, no scripts or links) built
/// from a JSON-lines event stream — a timeline with one lane per worker, per-op duration
/// statistics, the failed items, what plugins said (api messages and stderr lines) and the DAG
/// (from the `plan` event).
public struct RunReport {
    public struct Task {
        public var item: String
        public var op: String
        public var status: String
        public var start: Double
        public var end: Double
        public var worker: Int?
        public var cached: Bool
        public var error: String?
    }

    public struct Op {
        public var id: String
        public var target: String
        public var dependencies: [String]
    }

    /// A plugin's api message (`plugin_message`) or a line it wrote to stderr (`plugin_output`).
    public struct PluginLine {
        public var time: Double
        public var plugin: String
        public var item: String?
        public var op: String?
        /// The api function (`alert`, `log`, …), or `stderr`.
        public var kind: String
        public var text: String
    }

    public var workflow = ""
    public var tasks: [Task] = []
    public var ops: [Op] = []
    /// Api messages and stderr lines, in event order (progress and status updates only counted).
    public var pluginLines: [PluginLine] = []
    /// Lines plugins wrote to stdout, and progress/status updates: counted, not listed.
    public var quietPluginEvents = 0

    /// Messages that only track progress: counted, not listed.
    static let progressFunctions: Set<String> = ["showProgress", "showStatus"]
    /// At most this many plugin lines are listed (the events file has them all).
    static let pluginLineLimit = 500

    public init(eventsText: String) {
        for line in eventsText.split(separator: "\n") {
            guard let event = try? JSONValue(jsonText: String(line)), let kind = event["event"]?.stringValue else { continue }
            switch kind {
            case "run_started": workflow = event["workflow"]?.stringValue ?? workflow
            case "plan":
                ops = (event["ops"]?.arrayValue ?? []).map { op in
                    Op(
                        id: op["id"]?.stringValue ?? "?", target: op["target"]?.stringValue ?? "",
                        dependencies: (op["dependencies"]?.arrayValue ?? []).compactMap(\.stringValue))
                }
            case "task":
                tasks.append(
                    Task(
                        item: event["item"]?.stringValue ?? "?", op: event["op"]?.stringValue ?? "?",
                        status: event["status"]?.stringValue ?? "?", start: event["start"]?.doubleValue ?? 0,
                        end: event["end"]?.doubleValue ?? 0, worker: event["worker"]?.intValue,
                        cached: event["cached"]?.boolValue ?? false, error: event["error"]?.stringValue))
            case "plugin_message", "plugin_output":
                let kind = kind == "plugin_message" ? (event["fn"]?.stringValue ?? "?") : (event["stream"]?.stringValue ?? "stdout")
                guard kind != "stdout", !Self.progressFunctions.contains(kind) else {
                    quietPluginEvents += 1
                    continue
                }
                pluginLines.append(
                    PluginLine(
                        time: event["time"]?.doubleValue ?? 0, plugin: event["plugin"]?.stringValue ?? "?",
                        item: event["item"]?.stringValue, op: event["op"]?.stringValue,
                        kind: kind, text: event["text"]?.stringValue ?? ""))
            default: break
            }
        }
        if ops.isEmpty {
            var seen: [String] = []
            for task in tasks where !seen.contains(task.op) { seen.append(task.op) }
            ops = seen.map { Op(id: $0, target: "", dependencies: []) }
        }
    }

    static let palette = ["#4e79a7", "#f28e2b", "#59a14f", "#b07aa1", "#76b7b2", "#edc948", "#9c755f", "#bab0ac"]
    /// The colour of failed tasks' bars.
    public static let failedColour = "#e15759"

    func colour(_ op: String) -> String {
        let index = ops.firstIndex { $0.id == op } ?? 0
        return Self.palette[index % Self.palette.count]
    }

    static func escape(_ text: String) -> String {
        text.replacingOccurrences(of: "&", with: "&amp;").replacingOccurrences(of: "<", with: "&lt;")
            .replacingOccurrences(of: ">", with: "&gt;").replacingOccurrences(of: "\"", with: "&quot;")
    }

    public func html() -> String {
        var out = """
            <!DOCTYPE html>
            <html lang="en"><head><meta charset="utf-8"><title>imjoy-run report: \(Self.escape(workflow))</title>
            <style>body{font-family:sans-serif;margin:16px;background:#fff;color:#222}table{border-collapse:collapse}
            td,th{border:1px solid #ccc;padding:3px 8px;text-align:right}th{background:#f3f3f3}td:first-child{text-align:left}
            h2{margin-top:24px}.legend span{display:inline-block;margin-right:12px}.sw{width:12px;height:12px;display:inline-block;vertical-align:middle;margin-right:4px}</style>
            </head><body>
            <h1>imjoy-run report: \(Self.escape(workflow))</h1>

            """
        let ran = tasks.filter { $0.worker != nil }
        let failed = tasks.filter { $0.status == "failed" }
        out +=
            "<p>\(tasks.count) tasks, \(failed.count) failed, \(tasks.filter(\.cached).count) from the cache, \(Set(ran.compactMap(\.worker)).count) workers.</p>\n"
        out += "<h2>Timeline</h2>\n" + timeline()
        out +=
            "<div class=\"legend\">"
            + ops.map { "<span><i class=\"sw\" style=\"background:\(colour($0.id))\"></i>\(Self.escape($0.id))</span>" }.joined()
            + "<span><i class=\"sw\" style=\"background:\(Self.failedColour)\"></i>failed</span></div>\n"
        out += "<h2>Durations per op</h2>\n" + statistics()
        out += "<h2>Failed items</h2>\n"
        if failed.isEmpty {
            out += "<p id=\"failures\">none</p>\n"
        } else {
            out += "<table id=\"failures\"><tr><th>item</th><th>op</th><th>error</th></tr>\n"
            for task in failed {
                out +=
                    "<tr><td>\(Self.escape(task.item))</td><td>\(Self.escape(task.op))</td><td style=\"text-align:left\">\(Self.escape(task.error ?? ""))</td></tr>\n"
            }
            out += "</table>\n"
        }
        out += "<h2>Plugin messages</h2>\n" + pluginMessages()
        out += "<h2>Workflow graph</h2>\n" + dag()
        out += "</body></html>\n"
        return out
    }

    /// Api messages and stderr lines, alerts and errors first.
    func pluginMessages() -> String {
        var out = ""
        if pluginLines.isEmpty {
            out += "<p id=\"plugin-messages\">none</p>\n"
        } else {
            let urgent: Set<String> = ["alert", "error", "showMessage", "confirm", "prompt"]
            let ordered = pluginLines.filter { urgent.contains($0.kind) } + pluginLines.filter { !urgent.contains($0.kind) }
            let t0 = tasks.map(\.start).min() ?? ordered.map(\.time).min() ?? 0
            out += "<table id=\"plugin-messages\"><tr><th>s</th><th>plugin</th><th>item</th><th>op</th><th>kind</th><th>text</th></tr>\n"
            for line in ordered.prefix(Self.pluginLineLimit) {
                out +=
                    "<tr><td>\(String(format: "%.3f", line.time - t0))</td><td>\(Self.escape(line.plugin))</td>"
                    + "<td>\(Self.escape(line.item ?? ""))</td><td>\(Self.escape(line.op ?? ""))</td><td>\(Self.escape(line.kind))</td>"
                    + "<td style=\"text-align:left;white-space:pre-wrap\">\(Self.escape(line.text))</td></tr>\n"
            }
            out += "</table>\n"
            if ordered.count > Self.pluginLineLimit {
                out += "<p>\(ordered.count - Self.pluginLineLimit) more in the events file.</p>\n"
            }
        }
        if quietPluginEvents > 0 {
            out += "<p>\(quietPluginEvents) stdout lines and progress/status updates are in the events file.</p>\n"
        }
        return out
    }

    /// One lane per worker; a bar per task from its start to its end.
    func timeline() -> String {
        let ran = tasks.filter { $0.worker != nil }
        let workers = Set(ran.compactMap(\.worker)).sorted()
        let t0 = ran.map(\.start).min() ?? 0
        let t1 = max(ran.map(\.end).max() ?? 1, t0 + 1e-6)
        let width = 1100.0
        let laneHeight = 22.0
        let left = 80.0
        let height = Double(max(workers.count, 1)) * laneHeight + 30
        var svg =
            "<svg id=\"timeline\" xmlns=\"http://www.w3.org/2000/svg\" width=\"\(Int(width + left))\" height=\"\(Int(height))\" viewBox=\"0 0 \(Int(width + left)) \(Int(height))\">\n"
        for (lane, worker) in workers.enumerated() {
            let y = Double(lane) * laneHeight
            svg += "<text x=\"4\" y=\"\(y + 15)\" font-size=\"12\">worker \(worker)</text>\n"
            svg += "<line x1=\"\(left)\" y1=\"\(y + laneHeight)\" x2=\"\(left + width)\" y2=\"\(y + laneHeight)\" stroke=\"#eee\"/>\n"
        }
        let lane = Dictionary(uniqueKeysWithValues: workers.enumerated().map { ($1, $0) })
        for task in ran {
            let x = left + (task.start - t0) / (t1 - t0) * width
            let w = max(1.5, (task.end - task.start) / (t1 - t0) * width)
            let y = Double(lane[task.worker!] ?? 0) * laneHeight + 2
            let fill = task.status == "failed" ? Self.failedColour : colour(task.op)
            svg +=
                "<rect x=\(String(format: "\"%.2f\"", x)) y=\"\(y)\" width=\(String(format: "\"%.2f\"", w)) height=\"\(laneHeight - 4)\" fill=\"\(fill)\"\(task.cached ? " fill-opacity=\"0.5\"" : "")><title>\(Self.escape(task.op)) · item \(Self.escape(task.item)) · \(String(format: "%.3f", task.end - task.start)) s\(task.cached ? " (cached)" : "")</title></rect>\n"
        }
        let axisY = Double(workers.count) * laneHeight + 20
        svg +=
            "<text x=\"\(left)\" y=\"\(axisY)\" font-size=\"11\">0 s</text><text x=\"\(left + width - 60)\" y=\"\(axisY)\" font-size=\"11\">\(String(format: "%.3f", t1 - t0)) s</text>\n"
        return svg + "</svg>\n"
    }

    func statistics() -> String {
        var out =
            "<table id=\"durations\"><tr><th>op</th><th>tasks</th><th>cached</th><th>failed</th><th>mean s</th><th>median s</th><th>p95 s</th><th>max s</th><th>total s</th></tr>\n"
        for op in ops {
            let mine = tasks.filter { $0.op == op.id && $0.worker != nil }
            let durations = mine.map { $0.end - $0.start }.sorted()
            func q(_ p: Double) -> Double {
                durations.isEmpty ? 0 : durations[min(durations.count - 1, Int(Double(durations.count - 1) * p))]
            }
            let total = durations.reduce(0, +)
            let cachedCount = mine.filter(\.cached).count
            let failedCount = mine.filter { $0.status == "failed" }.count
            let mean: Double = durations.isEmpty ? 0 : total / Double(durations.count)
            let numbers: [Double] = [mean, q(0.5), q(0.95), durations.last ?? 0, total]
            var cells: [String] = [String(mine.count), String(cachedCount), String(failedCount)]
            cells += numbers.map { String(format: "%.4f", $0) }
            out += "<tr><td>\(Self.escape(op.id))</td>" + cells.map { "<td>\($0)</td>" }.joined() + "</tr>\n"
        }
        return out + "</table>\n"
    }

    /// Ops in columns by depth, an arrow per dependency.
    func dag() -> String {
        var depth: [String: Int] = [:]
        for op in ops { depth[op.id] = (op.dependencies.compactMap { depth[$0] }.max() ?? -1) + 1 }
        var row: [String: Int] = [:]
        var perDepth: [Int: Int] = [:]
        for op in ops {
            let d = depth[op.id] ?? 0
            row[op.id] = perDepth[d, default: 0]
            perDepth[d, default: 0] += 1
        }
        let boxW = 150.0
        let boxH = 34.0
        let gapX = 60.0
        let gapY = 20.0
        let width = Double((depth.values.max() ?? 0) + 1) * (boxW + gapX) + 20
        let height = Double(perDepth.values.max() ?? 1) * (boxH + gapY) + 20
        func origin(_ id: String) -> (Double, Double) {
            (10 + Double(depth[id] ?? 0) * (boxW + gapX), 10 + Double(row[id] ?? 0) * (boxH + gapY))
        }
        var svg = "<svg id=\"dag\" xmlns=\"http://www.w3.org/2000/svg\" width=\"\(Int(width))\" height=\"\(Int(height))\">\n"
        svg +=
            "<defs><marker id=\"arrow\" markerWidth=\"8\" markerHeight=\"8\" refX=\"8\" refY=\"4\" orient=\"auto\"><path d=\"M0,0 L8,4 L0,8 z\" fill=\"#555\"/></marker></defs>\n"
        for op in ops {
            let (x, y) = origin(op.id)
            for dependency in op.dependencies where depth[dependency] != nil {
                let (dx, dy) = origin(dependency)
                svg +=
                    "<line x1=\"\(dx + boxW)\" y1=\"\(dy + boxH / 2)\" x2=\"\(x)\" y2=\"\(y + boxH / 2)\" stroke=\"#555\" marker-end=\"url(#arrow)\"/>\n"
            }
        }
        for op in ops {
            let (x, y) = origin(op.id)
            svg +=
                "<rect x=\"\(x)\" y=\"\(y)\" width=\"\(boxW)\" height=\"\(boxH)\" rx=\"5\" fill=\"\(colour(op.id))\" fill-opacity=\"0.25\" stroke=\"\(colour(op.id))\"/>"
            svg +=
                "<text x=\"\(x + 6)\" y=\"\(y + 14)\" font-size=\"12\">\(Self.escape(op.id))</text><text x=\"\(x + 6)\" y=\"\(y + 28)\" font-size=\"10\" fill=\"#555\">\(Self.escape(op.target))</text>\n"
        }
        return svg + "</svg>\n"
    }
}
