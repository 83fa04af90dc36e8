import Foundation
import FrobsSimulator
import Testing

/// What Callboard reads: the full-sync document, a source's data and previous state, 404s,
/// delete-keeps-describing, and ETags.
@Suite struct DataTests {
    @Test func initialSourcesAreServedWithoutWebhooks() async throws {
        try await IngressReceiver.with { receiver, ingress async throws in
            try await Harness.with({
                $0.ingressURL = ingress
                $0.initialSources = FrobsSimulatorConfiguration.sampleSources
            }) { harness async throws in
                #expect(try await harness.names("/envs/production/data") == ["frob-alpha", "frob-beta", "frob-gamma"])
                #expect(try await harness.names("/envs/staging/data") == ["frob-alpha", "frob-beta", "frob-gamma"])
                #expect(try await harness.names("/sources/2/data") == ["frob-gamma"])
                #expect(try await harness.request(.GET, "/sources/2/data/previous-state").status == 404)
                #expect(receiver.received.isEmpty)
            }
        }
    }

    @Test func servesTheFrobsFormat() async throws {
        try await Harness.with { harness async throws in
            let body = #"{"frobs":[{"name":"frob-x","owner":"team-a","lifecycle":"production","title":"X","description":"d","system":"s","tags":["a","b"]}]}"#
            #expect(try await harness.request(.PUT, "/sources/1", body: body).status == 201)
            let reply = try await harness.request(.GET, "/sources/1/data")
            #expect(reply.status == 200)
            #expect(reply.header("content-type")?.hasPrefix("application/json") == true)
            let frob = try #require(try reply.decode(Harness.Document.self).frobs.first)
            #expect(frob == Frob(name: "frob-x", owner: "team-a", lifecycle: "production", title: "X",
                                 description: "d", system: "s", tags: ["a", "b"]))
            // Absent optional fields stay absent.
            _ = try await harness.request(.PUT, "/sources/2", body: frobsBody("frob-y"))
            #expect(try await harness.request(.GET, "/sources/2/data").text == #"{"frobs":[{"name":"frob-y","owner":"team-a"}]}"#)
        }
    }

    @Test func modifyKeepsThePreviousState() async throws {
        try await Harness.with { harness async throws in
            _ = try await harness.request(.PUT, "/sources/5", body: frobsBody("frob-a", "frob-b"))
            _ = try await harness.request(.PUT, "/sources/5", body: frobsBody("frob-b", "frob-c"))
            #expect(try await harness.names("/sources/5/data") == ["frob-b", "frob-c"])
            #expect(try await harness.names("/sources/5/data/previous-state") == ["frob-a", "frob-b"])
            _ = try await harness.request(.PUT, "/sources/5", body: frobsBody("frob-d"))
            #expect(try await harness.names("/sources/5/data/previous-state") == ["frob-b", "frob-c"])
        }
    }

    @Test func deletedSourcesStillDescribeWhatTheyHeldUntilRecreated() async throws {
        try await Harness.with { harness async throws in
            _ = try await harness.request(.PUT, "/sources/1", body: frobsBody("frob-a"))
            _ = try await harness.request(.PUT, "/sources/2", body: frobsBody("frob-b", "frob-c"))
            #expect(try await harness.request(.DELETE, "/sources/2").status == 200)

            #expect(try await harness.names("/sources/2/data") == ["frob-b", "frob-c"])
            #expect(try await harness.names("/sources/2/data/previous-state") == ["frob-b", "frob-c"])
            #expect(try await harness.names("/envs/production/data") == ["frob-a"])
            #expect(try await harness.request(.DELETE, "/sources/2").status == 404)

            let recreated = try await harness.request(.PUT, "/sources/2", body: frobsBody("frob-d"))
            #expect(recreated.status == 201)
            #expect(try recreated.decode(SourceChange.self).event == .add)
            #expect(try await harness.names("/sources/2/data") == ["frob-d"])
            #expect(try await harness.request(.GET, "/sources/2/data/previous-state").status == 404)
            #expect(try await harness.names("/envs/production/data") == ["frob-a", "frob-d"])
        }
    }

    @Test func unknownSourcesAre404WithAJSONBody() async throws {
        try await Harness.with { harness async throws in
            for path in ["/sources/42/data", "/sources/42/data/previous-state", "/sources/42", "/nothing/here"] {
                let reply = try await harness.request(.GET, path)
                #expect(reply.status == 404, "\(path)")
                let error = try #require(try reply.json()["error"] as? [String: Any])
                #expect(error["name"] as? String == "NotFoundError")
            }
            #expect(try await harness.request(.DELETE, "/sources/42").status == 404)
            // An empty catalog is still a valid document.
            #expect(try await harness.request(.GET, "/envs/production/data").text == #"{"frobs":[]}"#)
        }
    }

    @Test(arguments: ["/envs/production/data", "/sources/1/data", "/sources/1/data/previous-state"])
    func etagsAnswer304UntilTheDataChanges(path: String) async throws {
        try await Harness.with { harness async throws in
            _ = try await harness.request(.PUT, "/sources/1", body: frobsBody("frob-a"))
            _ = try await harness.request(.PUT, "/sources/1", body: frobsBody("frob-b"))
            let first = try await harness.request(.GET, path)
            let etag = try #require(first.header("etag"))
            #expect(etag.hasPrefix("\"") && etag.hasSuffix("\""))

            let same = try await harness.request(.GET, path, headers: [("if-none-match", etag)])
            #expect(same.status == 304 && same.body.isEmpty && same.header("etag") == etag)
            #expect(try await harness.request(.GET, path, headers: [("if-none-match", "\"other\", W/\(etag)")]).status == 304)
            #expect(try await harness.request(.GET, path, headers: [("if-none-match", "*")]).status == 304)
            #expect(try await harness.request(.GET, path, headers: [("if-none-match", "\"other\"")]).status == 200)

            _ = try await harness.request(.PUT, "/sources/1", body: frobsBody("frob-c"))
            let changed = try await harness.request(.GET, path, headers: [("if-none-match", etag)])
            #expect(changed.status == 200)
            #expect(changed.header("etag") != etag)
        }
    }
}
