import ServiceLifecycle

/// Runs a demo step every `interval` until graceful shutdown or cancellation.
struct DemoLoop: Service {
    let driver: DemoDriver
    let interval: Duration

    func run() async throws {
        await cancelWhenGracefulShutdown {
            while !Task.isCancelled {
                do {
                    try await Task.sleep(for: interval)
                } catch {
                    return
                }
                _ = await driver.step()
            }
        }
    }
}

/// Calls `action` when graceful shutdown starts (or the group is cancelled), then returns.
struct ShutdownHook: Service {
    let action: @Sendable () -> Void

    func run() async throws {
        try? await gracefulShutdown()
        action()
    }
}
