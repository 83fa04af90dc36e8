import Foundation
import FrobsSimulator
import Testing

/// The control API: listing, bad input, fault injection.
@Suite struct ControlTests {
    @Test func listsSourcesWithTheirState() async throws {
        try await Harness.with({ $0.initialSources = FrobsSimulatorConfiguration.sampleSources }) { harness async throws in
            _ = try await harness.request(.PUT, "/sources/10", body: frobsBody("frob-x"))
            _ = try await harness.request(.DELETE, "/sources/2")
            let sources = try #require(try await harness.request(.GET, "/sources").json()["sources"] as? [[String: Any]])
            #expect(sources.map { $0["id"] as? String } == ["1", "2", "10"])
            #expect(sources.map { $0["state"] as? String } == ["live", "deleted", "live"])
            #expect(sources.map { $0["version"] as? Int } == [1, 2, 1])

            _ = try await harness.request(.PUT, "/sources/10", body: frobsBody("frob-y"))
            let one = try await harness.request(.GET, "/sources/10").json()
            #expect((one["frobs"] as? [[String: Any]])?.first?["name"] as? String == "frob-y")
            #expect((one["previous"] as? [[String: Any]])?.first?["name"] as? String == "frob-x")
        }
    }

    @Test(arguments: [
        ("PUT", "/sources/1", "not json"),
        ("PUT", "/sources/1", ""),
        ("PUT", "/sources/1", "[]"),
        ("PUT", "/sources/1", "{}"),
        ("PUT", "/sources/1", #"{"frobs":{}}"#),
        ("PUT", "/sources/1", #"{"frobs":[{"name":"frob-a"}]}"#),
        ("PUT", "/sources/1", #"{"frobs":[{"name":"frob-a","owner":7}]}"#),
        ("PUT", "/sources/1", #"{"frobs":[{"name":"frob-a","owner":"t","tags":"x"}]}"#),
        ("PUT", "/sources/1", #"{"frobs":[{"name":null,"owner":"t"}]}"#),
        ("PUT", "/sources/-bad", frobsBody("frob-a")),
        ("PUT", "/sources/a%20b", frobsBody("frob-a")),
        ("PUT", "/sources/\(String(repeating: "x", count: 65))", frobsBody("frob-a")),
        ("PUT", "/sources/1?notify=maybe", frobsBody("frob-a")),
        ("DELETE", "/sources/a%2Fb", ""),
        ("POST", "/faults", "{}"),
        ("POST", "/faults", #"{"status":200}"#),
        ("POST", "/faults", #"{"status":503,"count":0}"#),
        ("POST", "/faults", #"{"status":"503"}"#),
        ("POST", "/faults", #"{"status":503,"pathPrefix":"sources"}"#),
        ("POST", "/webhooks", "nope"),
    ])
    func badInputIs400WithAJSONBody(method: String, path: String, body: String) async throws {
        try await Harness.with { harness async throws in
            let reply = try await harness.request(.init(rawValue: method), path, body: body.isEmpty ? nil : body)
            #expect(reply.status == 400, "\(method) \(path) \(body) → \(reply.status) \(reply.text)")
            let error = try #require(try reply.json()["error"] as? [String: Any])
            #expect(error["name"] as? String == "InputError")
            #expect((error["message"] as? String)?.isEmpty == false)
            // Nothing was created.
            #expect(try await harness.request(.GET, "/sources").text == #"{"sources":[]}"#)
        }
    }

    @Test func decodingErrorsNameTheField() async throws {
        try await Harness.with { harness async throws in
            let missing = try await harness.request(.PUT, "/sources/1", body: #"{"frobs":[{"name":"a","owner":"b"},{"name":"c"}]}"#)
            #expect((try missing.json()["error"] as? [String: Any])?["message"] as? String == "frobs[1].owner is missing")
            let wrong = try await harness.request(.PUT, "/sources/1", body: #"{"frobs":[{"name":"a","owner":"b","tags":"x"}]}"#)
            #expect((try wrong.json()["error"] as? [String: Any])?["message"] as? String == "frobs[0].tags must be an array")
        }
    }

    @Test func oversizedBodiesAre413() async throws {
        try await Harness.with({ $0.maxRequestBytes = 64 }) { harness async throws in
            let reply = try await harness.request(.PUT, "/sources/1", body: frobsBody("frob-a", "frob-b", "frob-c"))
            #expect(reply.status == 413)
        }
    }

    @Test func faultsFailTheNextDataReadsThenClear() async throws {
        try await Harness.with({ $0.initialSources = FrobsSimulatorConfiguration.sampleSources }) { harness async throws in
            let set = try await harness.request(.POST, "/faults", body: #"{"status":503,"count":2}"#)
            #expect(set.status == 200)
            #expect(try await harness.request(.GET, "/sources/1/data").status == 503)
            // Control routes are not data reads.
            #expect(try await harness.request(.GET, "/sources").status == 200)
            let second = try await harness.request(.GET, "/envs/production/data")
            #expect(second.status == 503)
            #expect((try second.json()["error"] as? [String: Any])?["name"] as? String == "ServiceUnavailableError")
            #expect(try await harness.request(.GET, "/envs/production/data").status == 200)
            let status = try await harness.request(.GET, "/faults").json()
            #expect(status["active"] is NSNull)
            #expect(status["served"] as? Int == 2)
        }
    }

    @Test func faultsCanTargetAPathAndLastUntilCleared() async throws {
        try await Harness.with({ $0.initialSources = FrobsSimulatorConfiguration.sampleSources }) { harness async throws in
            _ = try await harness.request(.POST, "/faults", body: #"{"status":500,"pathPrefix":"/sources/2/"}"#)
            for _ in 0..<3 {
                #expect(try await harness.request(.GET, "/sources/2/data").status == 500)
                #expect(try await harness.request(.GET, "/sources/1/data").status == 200)
            }
            #expect(try await harness.request(.GET, "/faults").json()["active"] is [String: Any])
            #expect(try await harness.request(.DELETE, "/faults").status == 200)
            #expect(try await harness.request(.GET, "/sources/2/data").status == 200)
            // A fault also beats a 304: the upstream is down, whatever the client holds.
            let etag = try #require(try await harness.request(.GET, "/sources/1/data").header("etag"))
            _ = try await harness.request(.POST, "/faults", body: #"{"status":429,"count":1}"#)
            #expect(try await harness.request(.GET, "/sources/1/data", headers: [("if-none-match", etag)]).status == 429)
            #expect(try await harness.request(.GET, "/sources/1/data", headers: [("if-none-match", etag)]).status == 304)
        }
    }

    @Test func healthAnswers() async throws {
        try await Harness.with { harness async throws in
            #expect(try await harness.request(.GET, "/health").text == #"{"status":"ok"}"#)
        }
    }
}
