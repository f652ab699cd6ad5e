import GroundStation
import Testing

@Suite struct HamlibProtocolTests {
    @Test func endpointParsing() {
        #expect(HamlibEndpoint(parsing: "localhost:4533") == HamlibEndpoint(host: "localhost", port: 4533))
        #expect(HamlibEndpoint(parsing: "127.0.0.1:4532")?.port == 4532)
        #expect(HamlibEndpoint(parsing: "[::1]:4533") == HamlibEndpoint(host: "::1", port: 4533))
        #expect(HamlibEndpoint(parsing: "[::1]:4533")?.description == "[::1]:4533")
        for bad in ["localhost", ":4533", "host:", "host:0", "host:70000", "::1:4533", "a b:1"] {
            #expect(HamlibEndpoint(parsing: bad) == nil, "\(bad)")
        }
    }

    @Test func errorMeanings() {
        #expect(HamlibError.meaning(ofCode: -1) == "invalid parameter")
        #expect(HamlibError.meaning(ofCode: -4) == "function not implemented")
        #expect(HamlibError.meaning(ofCode: -11) == "function not available")
        #expect(HamlibError.meaning(ofCode: -99) == nil)
        let e = HamlibError.commandFailed(endpoint: "h:1", command: "P 1 2", code: -99)
        #expect(e.description == "h:1 rejected 'P 1 2': RPRT -99")
        #expect(e.code == -99)
    }

    @Test func responseFields() {
        let r = HamlibResponse(lines: ["Azimuth: 12.50", "Elevation: 3.00"])
        #expect(r.number("azimuth") == 12.5)
        #expect(r.value("Elevation") == "3.00")
        #expect(r.value("Mode") == nil)
    }
}
