import CallboardTesting
import Testing

/// Every response carries `x-request-id`: the client's when it is sane, a new UUID otherwise.
@Suite struct RequestIDTests {
    @Test func aSaneIncomingIDIsEchoedAndOthersAreReplaced() async throws {
        try await LiveServer.with { server in
            let kept = try await server.request(.GET, "/.backstage/health/v1/liveness",
                                                headers: [("x-request-id", "trace-42:a.b_c")])
            #expect(kept.header("x-request-id") == "trace-42:a.b_c")

            let forged = try await server.request(.GET, "/.backstage/health/v1/liveness",
                                                  headers: [("x-request-id", "a b\" injected")])
            let replaced = try #require(forged.header("x-request-id"))
            #expect(replaced != "a b\" injected")
            #expect(replaced.count == 36)

            let tooLong = try await server.request(.GET, "/.backstage/health/v1/liveness",
                                                   headers: [("x-request-id", String(repeating: "x", count: 129))])
            #expect(tooLong.header("x-request-id")?.count == 36)

            // Errors too, and every request gets a different id.
            let missing = try await server.get("/api/catalog/entities/by-name/component/default/none")
            #expect(missing.status == 404)
            let first = try #require(missing.header("x-request-id"))
            let second = try await server.get("/nowhere")
            #expect(second.status == 404)
            #expect(second.header("x-request-id") != nil && second.header("x-request-id") != first)
        }
    }
}
