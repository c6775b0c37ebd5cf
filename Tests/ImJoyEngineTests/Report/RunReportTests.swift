import Testing
@testable import ImJoyEngine

@Suite struct RunReportTests {
    @Test func htmlHasTimelineLanesStatisticsFailuresAndDAG() {
        let events = """
            {"event":"run_started","workflow":"demo","items":2,"tasks":4,"jobs":2,"time":0}
            {"event":"plan","workflow":"demo","ops":[{"id":"load","target":"builtin read-tiff","dependencies":[]},{"id":"blur","target":"builtin gaussian","dependencies":["load"]}]}
            {"event":"task","item":"a","item_index":0,"op":"load","status":"succeeded","start":10.0,"end":10.5,"duration":0.5,"worker":0,"attempts":1}
            {"event":"task","item":"b","item_index":1,"op":"load","status":"succeeded","start":10.0,"end":10.4,"duration":0.4,"worker":1,"attempts":1,"cached":true}
            {"event":"task","item":"a","item_index":0,"op":"blur","status":"succeeded","start":10.5,"end":11.0,"duration":0.5,"worker":0,"attempts":1}
            {"event":"task","item":"b","item_index":1,"op":"blur","status":"failed","start":10.4,"end":10.6,"duration":0.2,"worker":1,"attempts":1,"error":"boom <x>"}
            """
        let report = RunReport(eventsText: events)
        #expect(report.ops.map(\.id) == ["load", "blur"])
        let html = report.html()
        #expect(html.hasPrefix("<!DOCTYPE html>"))
        #expect(html.contains("worker 0") && html.contains("worker 1"))
        #expect(html.components(separatedBy: "<rect").count - 1 >= 4 + 2)
        #expect(html.contains(RunReport.failedColour))
        #expect(html.contains("boom &lt;x&gt;"))
        #expect(html.contains("<td>blur</td><td>2</td><td>0</td><td>1</td>"))
        #expect(html.contains("marker-end=\"url(#arrow)\""))
        #expect(!html.contains("<script"))
    }
}
