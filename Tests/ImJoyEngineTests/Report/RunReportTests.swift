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

    @Test func listsPluginMessagesAndStderrAlertsFirstAndCountsTheRest() {
        let events = """
            {"event":"run_started","workflow":"demo","items":1,"tasks":1,"jobs":1,"time":0}
            {"event":"task","item":"a","item_index":0,"op":"seg","status":"succeeded","start":10.0,"end":11.0,"duration":1,"worker":0,"attempts":1}
            {"event":"plugin_message","plugin":"Seg","pid":7,"op":"seg","item":"a","item_index":0,"fn":"log","args":["x"],"text":"loaded <model>","time":10.1}
            {"event":"plugin_message","plugin":"Seg","pid":7,"op":"seg","item":"a","item_index":0,"fn":"showProgress","args":[50],"text":"50","time":10.2}
            {"event":"plugin_output","plugin":"Seg","pid":7,"op":"seg","item":"a","item_index":0,"stream":"stdout","text":"step 1","time":10.3}
            {"event":"plugin_output","plugin":"Seg","pid":7,"op":"seg","item":"a","item_index":0,"stream":"stderr","text":"DeprecationWarning: y","time":10.4}
            {"event":"plugin_message","plugin":"Seg","pid":7,"op":"seg","item":"a","item_index":0,"fn":"alert","args":["no cells"],"text":"no cells","time":10.5}
            """
        let report = RunReport(eventsText: events)
        #expect(report.pluginLines.map(\.kind) == ["log", "stderr", "alert"])
        #expect(report.quietPluginEvents == 2)
        let html = report.html()
        #expect(html.contains("id=\"plugin-messages\""))
        #expect(html.contains("loaded &lt;model&gt;"))
        let alert = html.range(of: "no cells")
        let log = html.range(of: "loaded &lt;model&gt;")
        #expect(alert != nil && log != nil && alert!.lowerBound < log!.lowerBound, "alerts come first")
        #expect(html.contains("<td>0.500</td>"))
        #expect(html.contains("2 stdout lines and progress/status updates"))
        #expect(!html.contains("step 1"))
    }
}
