import CallboardTesting
import CatalogModel
import Testing

/// The behaviour behind bugs the hostile corpus found, asserted positively.
@Suite struct HostileRegressionTests {
    /// `by-query` with a `relations.*` filter failed with an SQL error (500): its page query
    /// did not select the column the relations condition needs.
    @Test func byQueryFiltersOnRelationsLikeEntities() async throws {
        let provider = TestProvider(name: "examples")
        try await LiveServer.with(providers: [provider]) { server in
            _ = try await provider.apply(.full(EntityFactory.deferred(try Fixtures.exampleEntities())))
            for filter in ["relations.ownedBy=group:default/team-a", "relations.ownedby", "kind=user,relations.memberof=group:default/team-a"] {
                let listed = try await server.get("/api/catalog/entities?filter=\(filter)")
                let queried = try await server.get("/api/catalog/entities/by-query?limit=100&filter=\(filter)")
                #expect(queried.status == 200, "\(filter): \(queried.text)")
                let expected = (try listed.json().arrayValue ?? []).compactMap { $0.value(atPath: "metadata.uid")?.stringValue }
                let items = try queried.json()["items"]?.arrayValue ?? []
                #expect(!expected.isEmpty)
                #expect(Set(items.compactMap { $0.value(atPath: "metadata.uid")?.stringValue }) == Set(expected), "\(filter)")
                #expect(try queried.json()["totalItems"] == .int(Int64(expected.count)))
            }
        }
    }

    /// `limit=9223372036854775807` made `limit + 1` overflow and trap the process.
    @Test func limitsBeyond32BitsAreInputErrorsNotATrap() async throws {
        try await LiveServer.with { server in
            for path in ["/api/catalog/entities?limit=9223372036854775807", "/api/catalog/entities/by-query?limit=9223372036854775807",
                         "/api/catalog/entities?offset=2147483648"] {
                let reply = try await server.get(path)
                #expect(reply.status == 400, "\(path)")
                #expect(try reply.json().value(atPath: "error.name") == "InputError")
            }
            #expect(try await server.get("/api/catalog/entities?limit=2147483647&offset=2147483647").status == 200)
            // The event log's positions are 64-bit: its `after` and clamped `limit` take any size.
            #expect(try await server.get("/api/events/events?limit=9223372036854775807&after=9223372036854775807").status == 200)
        }
    }
}
