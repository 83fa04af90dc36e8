import CallboardServer
import CallboardTesting
import Catalog
import CatalogModel
import Events
import Foundation
import ModuleAPI
import Scheduler
import Synchronization
import Testing

/// A user's own module, written against `ModuleAPI` only: its topic, validator, subscription and
/// entity provider work through a live server exactly as the built-in modules' do.
@Suite struct ModuleAPITests {
    /// Accepts requests that carry `x-greeting-key: <key>`.
    struct KeyValidator: RequestValidator {
        let key: String
        var secretHeaders: Set<String> { ["x-greeting-key"] }
        func rejection(for request: IngressRequest) -> String? {
            request.headers["x-greeting-key"] == key ? nil : "missing or wrong x-greeting-key"
        }
    }

    /// Turns `{"name": "..."}` events on topic `greetings` into Components.
    final class GreetingProvider: EntityProvider {
        let name = "greetings"
        let connection = Mutex<(any EntityProviderConnection)?>(nil)
        func connect(_ connection: any EntityProviderConnection) async throws {
            self.connection.withLock { $0 = connection }
        }
        func handle(_ event: EventParams) async throws {
            guard let name = event.eventPayload["name"]?.stringValue,
                let connection = connection.withLock({ $0 })
            else { return }
            let entity = EntityFactory.component(name, owner: "group:default/greeters")
            try await connection.applyMutation(.delta(added: [DeferredEntity(entity: entity)], removed: []))
        }
    }

    struct GreetingModule: CallboardModule {
        let moduleID = "greetings"
        func register(in context: any ModuleContext) async throws {
            let settings = context.config.child("greetings")
            guard !settings.isNull else { return }
            let provider = GreetingProvider()
            context.addEntityProvider(provider)
            context.addHttpPostIngress(topic: "greetings", validator: KeyValidator(key: try settings.string("key")))
            try await context.events.subscribe(id: "greetings-provider", topics: ["greetings"]) { event in
                try await provider.handle(event)
            }
        }
    }

    /// A module with a manual task that stays running until the test opens its gate.
    struct SlowTaskModule: CallboardModule {
        let moduleID = "slow"
        let started: AsyncStream<Void>.Continuation
        let gate: AsyncStream<Void>
        func register(in context: any ModuleContext) async throws {
            let runner = context.taskRunner(schedule: TaskSchedule(frequency: .manual, timeout: .seconds(60)))
            try await runner.run(id: "slow-task") { [started, gate] in
                started.yield()
                for await _ in gate { break }
            }
        }
    }

    @Test func aTaskIsTriggeredOnceAndA409AnswersWhileItRuns() async throws {
        let (started, startedContinuation) = AsyncStream<Void>.makeStream()
        let (gate, gateContinuation) = AsyncStream<Void>.makeStream()
        let module = SlowTaskModule(started: startedContinuation, gate: gate)
        try await LiveServer.with(modules: [module]) { server in
            let path = "/api/catalog/.backstage/scheduler/v1/tasks/slow-task/trigger"
            #expect(try await server.request(.POST, path).status == 200)
            var iterator = started.makeAsyncIterator()
            _ = await iterator.next()
            let conflict = try await server.request(.POST, path)
            #expect(conflict.status == 409)
            #expect(try conflict.json()["error"]?["name"] == "ConflictError")
            let listed = try await server.get("/api/catalog/.backstage/scheduler/v1/tasks").json()["tasks"]?[0]
            #expect(listed?["taskState"]?["status"] == "running")
            #expect(listed?["settings"]?["cadence"] == "manual")
            gateContinuation.yield()
            #expect(try await eventually {
                try await server.get("/api/catalog/.backstage/scheduler/v1/tasks").json()["tasks"]?[0]?["taskState"]?["status"] == "idle"
            })
        }
    }

    struct FailingModule: CallboardModule {
        let moduleID = "broken"
        struct Failure: Error, CustomStringConvertible { var description: String { "no frobnicator" } }
        func register(in context: any ModuleContext) async throws { throw Failure() }
    }

    @Test func aUserModuleOpensATopicAndFeedsTheCatalog() async throws {
        let yaml = "greetings: { key: letmein }"
        try await LiveServer.with(yaml: yaml, modules: BuiltInModules.all + [GreetingModule()]) { server in
            let rejected = try await server.request(.POST, "/api/events/http/greetings", body: #"{"name":"hello"}"#,
                                                    headers: [("content-type", "application/json")])
            #expect(rejected.status == 403)
            let accepted = try await server.request(
                .POST, "/api/events/http/greetings", body: #"{"name":"hello-world"}"#,
                headers: [("content-type", "application/json"), ("x-greeting-key", "letmein")])
            #expect(accepted.status == 202)
            #expect(try await eventually {
                try await server.get("/api/catalog/entities/by-name/component/default/hello-world").status == 200
            })
            let providers = try await server.get("/api/catalog/providers").text
            #expect(providers.contains("greetings"))
        }
    }

    @Test func aModuleWithoutItsConfigurationRegistersNothing() async throws {
        try await LiveServer.with(modules: BuiltInModules.all + [GreetingModule()]) { server in
            let reply = try await server.request(.POST, "/api/events/http/greetings", body: "{}",
                                                 headers: [("content-type", "application/json")])
            #expect(reply.status == 404)
            let github = try await server.request(.POST, "/api/events/http/github", body: "{}",
                                                  headers: [("content-type", "application/json")])
            #expect(github.status == 404)
        }
    }

    @Test func aFailingModuleStopsStartupNamingTheModule() async throws {
        do {
            try await LiveServer.with(modules: [FailingModule()]) { _ in }
            Issue.record("startup should have failed")
        } catch let error as StartupError {
            #expect(error.message == "module broken could not start: no frobnicator")
        }
    }
}
