import ImJoySchema
import Testing

@testable import ImJoyPlugin

@Suite struct UIStringTests {
    @Test func parsesWidgetsOfAUIString() throws {
        let parameters = try UIString.parameters(
            of:
                "Sigma: {id:'sigma', type:'number', placeholder: 2, min: 0, max: 10} method {id: 'm', type: 'choose', options: ['a', 'b'], placeholder: 'b'}"
        )
        #expect(parameters.map(\.id) == ["sigma", "m"])
        #expect(parameters[0].type == .number)
        #expect(parameters[0].defaultValue == 2)
        #expect(parameters[0].minimum == 0)
        #expect(parameters[0].maximum == 10)
        #expect(parameters[0].label == "Sigma")
        #expect(parameters[1].type == .choose)
        #expect(parameters[1].options == ["a", "b"])
        #expect(parameters[1].defaultValue == "b")
    }

    @Test func joinsArrayUIWithLabels() throws {
        let ui: JSONValue = [
            "Intro text", ["Radius": "{id: 'r', type: 'number', placeholder: 5}"], ["Name": ["id": "n", "type": "string"]],
        ]
        #expect(
            try UIString.normalize(ui)
                == "Intro text<br>Radius: {id: 'r', type: 'number', placeholder: 5}<br>Name: {\"id\":\"n\",\"type\":\"string\"}<br>")
        let parameters = try UIString.parameters(of: ui)
        #expect(parameters.map(\.id) == ["r", "n"])
        #expect(parameters[0].label == "Radius")
        #expect(parameters[1].defaultValue == "???")
    }

    @Test func dataIDOverridesID() throws {
        let parameters = try UIString.parameters(of: "{id: 'a', dataID: 'b', type: 'number'}")
        #expect(parameters.first?.id == "b")
        #expect(parameters.first?.defaultValue == 3)
    }

    @Test func chooseWithoutPlaceholderDefaultsToItsFirstOption() throws {
        #expect(try UIString.parameters(of: "{id: 'c', type: 'choose', options: ['x', 'y']}").first?.defaultValue == "x")
    }

    @Test func otherWidgetTypesAreKept() throws {
        let parameters = try UIString.parameters(of: "{id: 'f', type: 'save'} {id: 'k', type: 'slider'}")
        #expect(parameters.map(\.type) == [.save, .other("slider")])
    }

    @Test func objectUIIsRefused() {
        #expect(throws: UIParseFailure.self) { try UIString.parameters(of: ["a": "b"]) }
    }

    @Test func joyQuotingBreaksColonsInsideStringsAsInImJoy() {
        // Joy rewrites `http:` into `'http':`, so a URL placeholder fails to parse in ImJoy too.
        #expect(throws: UIParseFailure.self) { try UIString.parameters(of: "{id: 'u', type: 'string', placeholder: 'http://x'}") }
    }

    @Test func widgetWithoutIDIsAnError() {
        #expect(throws: UIParseFailure.self) { try UIString.parameters(of: "{type: 'number'}") }
    }

    @Test func textWithoutWidgetsHasNoParameters() throws {
        #expect(try UIString.parameters(of: "Just a description.").isEmpty)
        #expect(try UIString.parameters(of: .null).isEmpty)
    }
}
