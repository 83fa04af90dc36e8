import Catalog
import CallboardTesting
import Testing

/// The catalog read API over real HTTP against a server on a free port, fed with Backstage's
/// example entities from the fixtures.
@Suite struct CatalogReadAPITests {
    /// Runs `body` against a server whose `examples` provider holds the fixture entities.
    func withCatalog(_ body: (LiveServer) async throws -> Void) async throws {
        let provider = TestProvider(name: "examples")
        try await LiveServer.with(providers: [provider]) { server in
            let result = try await provider.apply(.full(EntityFactory.deferred(try Fixtures.exampleEntities())))
            #expect(result.rejected.isEmpty, "fixture entities rejected: \(result.rejected)")
            try await body(server)
        }
    }

    /// The `metadata.name`s of a JSON array of entities, sorted.
    func names(_ reply: LiveServer.Reply) throws -> [String] {
        try (reply.json().arrayValue ?? []).compactMap { $0.value(atPath: "metadata.name")?.stringValue }.sorted()
    }

    func refs(_ items: [JSONValue]) -> [String] {
        items.compactMap { item -> String? in
            guard let entity = try? Entity(json: item) else { return nil }
            return entity.ref.description
        }
    }

    @Test func listsEveryEntitySortedByRef() async throws {
        try await withCatalog { server in
            let reply = try await server.get("/api/catalog/entities")
            #expect(reply.status == 200)
            let items = try reply.json().arrayValue ?? []
            let all = refs(items)
            #expect(all.count == 17)
            #expect(all == all.sorted())
            #expect(all.contains("user:development/guest"))
            let first = try #require(items.first)
            #expect(first.value(atPath: "metadata.uid")?.stringValue?.isEmpty == false)
            #expect(first.value(atPath: "metadata.etag")?.stringValue?.isEmpty == false)
        }
    }

    @Test(arguments: [
        ("kind=component", ["artist-lookup", "different-namespace", "petstore", "sample-docs-local"]),
        ("KIND=Component,spec.owner=team-a", ["artist-lookup"]),
        ("kind=component,metadata.namespace=alternative", ["different-namespace"]),
        ("kind=api,kind=system", ["artist-engagement-portal", "petstore", "podcast"]),
        ("metadata.tags=java", ["artist-lookup"]),
        ("kind=component,spec.system", ["artist-lookup"]),
        ("relations.ownedBy=group:default/team-a",
         ["artist-engagement-portal", "artist-lookup", "artists", "artists-db", "different-namespace"]),
        ("kind=user,relations.memberof=group:default/team-a",
         ["breanna.davison", "guest", "guest", "janelle.dawe", "nigel.manning"]),
        ("kind=component,spec.type=nothing-like-this", []),
        ("metadata.name=petstore", ["petstore", "petstore"]),
    ])
    func filters(filter: String, expected: [String]) async throws {
        try await withCatalog { server in
            let reply = try await server.get("/api/catalog/entities?filter=\(LiveServer.encode(filter))")
            #expect(reply.status == 200, "\(reply.text)")
            #expect(try names(reply) == expected.sorted())
        }
    }

    @Test func repeatedFilterParametersAreOR() async throws {
        try await withCatalog { server in
            let reply = try await server.get(
                "/api/catalog/entities?filter=kind=domain&filter=kind=component,metadata.tags=java")
            #expect(try names(reply) == ["artist-lookup", "artists"])
        }
    }

    @Test func fieldsProjectionKeepsOnlyTheListedPaths() async throws {
        try await withCatalog { server in
            let reply = try await server.get("/api/catalog/entities?filter=kind=domain&fields=kind,metadata.name")
            #expect(try reply.json() == [["kind": "Domain", "metadata": ["name": "artists"]]])
        }
    }

    @Test func orderByAFieldDescending() async throws {
        try await withCatalog { server in
            let reply = try await server.get("/api/catalog/entities?filter=kind=component&order=desc:metadata.name")
            let ordered = try (reply.json().arrayValue ?? []).compactMap { $0.value(atPath: "metadata.name")?.stringValue }
            #expect(ordered == ["sample-docs-local", "petstore", "different-namespace", "artist-lookup"])
        }
    }

    @Test func pagesFollowTheLinkHeader() async throws {
        try await withCatalog { server in
            var path: String? = "/api/catalog/entities?limit=5"
            var seen: [String] = []
            var pages = 0
            while let next = path {
                let reply = try await server.get(next)
                #expect(reply.status == 200)
                seen += refs(try reply.json().arrayValue ?? [])
                pages += 1
                path = reply.header("link").flatMap(LiveServer.nextLink)
            }
            #expect(pages == 4)
            #expect(seen.count == 17)
            #expect(Set(seen).count == 17)
            #expect(seen == seen.sorted())
        }
    }

    @Test func byQueryPaginatesWithCursorsBothWays() async throws {
        try await withCatalog { server in
            let first = try await server.get(
                "/api/catalog/entities/by-query?limit=3&orderField=metadata.name,asc&filter=kind=user,kind=group")
            #expect(first.status == 200, "\(first.text)")
            let body = try first.json()
            #expect(body["totalItems"] == 7)
            let firstNames = (body["items"]?.arrayValue ?? []).compactMap { $0.value(atPath: "metadata.name")?.stringValue }
            #expect(firstNames == ["acme-corp", "breanna.davison", "guest"])
            #expect(body.value(atPath: "pageInfo.prevCursor") == nil)
            let next = try #require(body.value(atPath: "pageInfo.nextCursor")?.stringValue)
            let second = try await server.get("/api/catalog/entities/by-query?limit=3&cursor=\(next)").json()
            let secondNames = (second["items"]?.arrayValue ?? []).compactMap { $0.value(atPath: "metadata.name")?.stringValue }
            #expect(secondNames == ["guest", "janelle.dawe", "nigel.manning"])
            #expect(second["totalItems"] == 7)
            let previous = try #require(second.value(atPath: "pageInfo.prevCursor")?.stringValue)
            let back = try await server.get("/api/catalog/entities/by-query?limit=3&cursor=\(previous)").json()
            let backNames = (back["items"]?.arrayValue ?? []).compactMap { $0.value(atPath: "metadata.name")?.stringValue }
            #expect(backNames == firstNames)
            #expect(back.value(atPath: "pageInfo.prevCursor") == nil)
            let third = try #require(second.value(atPath: "pageInfo.nextCursor")?.stringValue)
            let last = try await server.get("/api/catalog/entities/by-query?limit=3&cursor=\(third)").json()
            #expect((last["items"]?.arrayValue ?? []).compactMap { $0.value(atPath: "metadata.name")?.stringValue }
                == ["team-a"])
            #expect(last.value(atPath: "pageInfo.nextCursor") == nil)
        }
    }

    @Test func byQueryFullTextSearch() async throws {
        try await withCatalog { server in
            let reply = try await server.get(
                "/api/catalog/entities/by-query?fullTextFilterTerm=ARTIST&fullTextFilterFields=metadata.name")
            let body = try reply.json()
            let found = (body["items"]?.arrayValue ?? []).compactMap { $0.value(atPath: "metadata.name")?.stringValue }
            #expect(found.sorted() == ["artist-engagement-portal", "artist-lookup", "artists", "artists-db"])
            #expect(body["totalItems"] == 4)
            let percent = try await server.get(
                "/api/catalog/entities/by-query?fullTextFilterTerm=%25&fullTextFilterFields=metadata.name").json()
            #expect(percent["totalItems"] == 0)
        }
    }

    @Test func byRefsAnswersInInputOrderWithNulls() async throws {
        try await withCatalog { server in
            let reply = try await server.post("/api/catalog/entities/by-refs", body: """
                {"entityRefs":["component:default/petstore","component:default/nope","API:default/PETSTORE","not a ref:"],
                 "fields":["kind","metadata.name"]}
                """)
            #expect(reply.status == 200, "\(reply.text)")
            #expect(try reply.json() == ["items": [
                ["kind": "Component", "metadata": ["name": "petstore"]], nil,
                ["kind": "API", "metadata": ["name": "petstore"]], nil,
            ]])
        }
    }

    @Test func facetsCountValues() async throws {
        try await withCatalog { server in
            let reply = try await server.get("/api/catalog/entity-facets?facet=kind&facet=spec.lifecycle&filter=kind=component")
            #expect(reply.status == 200)
            let body = try reply.json()
            #expect(body.value(atPath: "facets.kind") == [["value": "Component", "count": 4]])
            #expect(body.value(atPath: "facets.spec.lifecycle") == nil)
            #expect(body["facets"]?["spec.lifecycle"] == [["value": "experimental", "count": 4]])
            let all = try await server.get("/api/catalog/entity-facets?facet=kind").json()
            let kinds = all["facets"]?["kind"]?.arrayValue ?? []
            #expect(kinds.count == 8)
            #expect(kinds.contains(["value": "User", "count": 5]))
        }
    }

    @Test func byNameByUIDAndNotFoundBodies() async throws {
        try await withCatalog { server in
            let byName = try await server.get("/api/catalog/entities/by-name/component/default/petstore")
            #expect(byName.status == 200)
            let uid = try #require(try byName.json().value(atPath: "metadata.uid")?.stringValue)
            let byUID = try await server.get("/api/catalog/entities/by-uid/\(uid)")
            #expect(byUID.body == byName.body)
            let ancestry = try await server.get("/api/catalog/entities/by-name/Component/default/petstore/ancestry").json()
            #expect(ancestry["rootEntityRef"] == "component:default/petstore")
            let missing = try await server.get("/api/catalog/entities/by-name/component/default/missing")
            #expect(missing.status == 404)
            #expect(try missing.json() == [
                "error": ["name": "NotFoundError", "message": "No entity named 'component:default/missing' found"],
                "request": ["method": "GET", "url": "/api/catalog/entities/by-name/component/default/missing"],
                "response": ["statusCode": 404],
            ])
            let noUID = try await server.get("/api/catalog/entities/by-uid/0000")
            #expect(noUID.status == 404)
            #expect(try noUID.json().value(atPath: "error.message") == "No entity with uid 0000")
        }
    }

    @Test(arguments: [
        "/api/catalog/entities?filter=%3Dx",
        "/api/catalog/entities?filter=kind=component,,",
        "/api/catalog/entities?limit=-1",
        "/api/catalog/entities?offset=1e30",
        "/api/catalog/entities?after=not-a-cursor",
        "/api/catalog/entities?order=sideways:metadata.name",
        "/api/catalog/entities/by-query?cursor=%7B%7D",
        "/api/catalog/entities/by-query?limit=abc",
        "/api/catalog/entities/by-query?orderField=metadata.name,up",
        "/api/catalog/entity-facets",
    ])
    func badInputIsA400InputError(path: String) async throws {
        try await withCatalog { server in
            let reply = try await server.get(path)
            #expect(reply.status == 400, "\(path): \(reply.text)")
            #expect(try reply.json().value(atPath: "error.name") == "InputError")
            #expect(try reply.json().value(atPath: "response.statusCode") == 400)
        }
    }

    @Test func unknownRouteIsA404ErrorBody() async throws {
        try await withCatalog { server in
            let reply = try await server.get("/api/catalog/nothing-here")
            #expect(reply.status == 404)
            #expect(try reply.json().value(atPath: "error.name") == "NotFoundError")
        }
    }

    @Test func deleteByUIDThenGone() async throws {
        try await withCatalog { server in
            let entity = try await server.get("/api/catalog/entities/by-name/domain/default/artists").json()
            let uid = try #require(entity.value(atPath: "metadata.uid")?.stringValue)
            #expect(try await server.request(.DELETE, "/api/catalog/entities/by-uid/\(uid)").status == 204)
            #expect(try await server.get("/api/catalog/entities/by-uid/\(uid)").status == 404)
            #expect(try await server.request(.DELETE, "/api/catalog/entities/by-uid/\(uid)").status == 404)
        }
    }

    @Test func validateEntityAnswersWithBackstagesShapes() async throws {
        try await withCatalog { server in
            let valid = try await server.post("/api/catalog/validate-entity", body: """
                {"location":"url:https://example.com/catalog-info.yaml","entity":{"apiVersion":"backstage.io/v1alpha1",
                 "kind":"Component","metadata":{"name":"ok"},"spec":{"type":"service","lifecycle":"production","owner":"me"}}}
                """)
            #expect(valid.status == 200, "\(valid.text)")
            let invalid = try await server.post("/api/catalog/validate-entity", body: """
                {"location":"url:https://example.com/x.yaml","entity":{"apiVersion":"backstage.io/v1alpha1",
                 "kind":"Component","metadata":{"name":"bad name!"},"spec":{"type":"service"}}}
                """)
            #expect(invalid.status == 400)
            let errors = try invalid.json()["errors"]?.arrayValue ?? []
            #expect(errors.count >= 2)
            #expect(errors.allSatisfy { $0["name"] == "InputError" })
            #expect(errors.contains { $0["message"]?.stringValue?.contains("metadata.name") == true })
            let foreign = try await server.post("/api/catalog/validate-entity", body: """
                {"location":"url:x","entity":{"apiVersion":"a/v1","kind":"Thing","metadata":{"name":"n"},"extra":1}}
                """)
            #expect(foreign.status == 400)
            #expect(try foreign.json()["errors"]?[0]?["message"]?.stringValue?.contains("extra") == true)
        }
    }

    @Test func refreshKnownAndUnknown() async throws {
        try await withCatalog { server in
            let known = try await server.post("/api/catalog/refresh", body: #"{"entityRef":"component:default/petstore"}"#)
            #expect(known.status == 200)
            let unknown = try await server.post("/api/catalog/refresh", body: #"{"entityRef":"component:default/none"}"#)
            #expect(unknown.status == 404)
            let malformed = try await server.post("/api/catalog/refresh", body: "{not json")
            #expect(malformed.status == 400)
            #expect(try malformed.json().value(atPath: "error.name") == "InputError")
        }
    }

    @Test func providersLocationsAndHealth() async throws {
        try await withCatalog { server in
            let providers = try await server.get("/api/catalog/providers").json()
            #expect(providers[0]?["name"] == "examples")
            #expect(providers[0]?["entityCount"] == 17)
            #expect(providers[0]?["lastFullSyncAt"]?.stringValue != nil)
            #expect(try await server.get("/api/catalog/locations").json() == [])
            let ready = try await server.get("/.backstage/health/v1/readiness")
            #expect(ready.status == 200)
            #expect(try ready.json() == ["status": "ok"])
            #expect(try await server.get("/.backstage/health/v1/liveness").status == 200)
        }
    }
}

extension JSONValue {
    /// Element `index` of an array.
    subscript(index: Int) -> JSONValue? {
        guard case .array(let elements) = self, elements.indices.contains(index) else { return nil }
        return elements[index]
    }
}
