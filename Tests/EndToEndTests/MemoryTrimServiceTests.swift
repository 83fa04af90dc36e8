@testable import CallboardServer
import Logging
import ServiceLifecycle
import Testing

#if canImport(Glibc)
import Glibc
#endif

@Suite("Memory trimming")
struct MemoryTrimServiceTests {
    #if canImport(Glibc)
    @Test("glibc's malloc_trim is found and callable")
    func mallocTrimIsFound() throws {
        let trim = try #require(MemoryTrimService.mallocTrim)
        // Free something first so there can be something to give back; the call must not crash
        // and answers 0 or 1 (whether memory was released).
        let block = malloc(8 << 20)
        free(block)
        #expect([0, 1].contains(trim(0)))
    }
    #endif

    @Test("the service trims on its interval and ends on graceful shutdown", .timeLimit(.minutes(1)))
    func endsOnGracefulShutdown() async throws {
        let service = MemoryTrimService(interval: .milliseconds(10))
        let group = ServiceGroup(
            configuration: .init(services: [.init(service: service)], logger: Logger(label: "test")))
        try await withThrowingTaskGroup(of: Void.self) { tasks in
            tasks.addTask { try await group.run() }
            try await Task.sleep(for: .milliseconds(50))
            await group.triggerGracefulShutdown()
            try await tasks.waitForAll()
        }
    }
}
