/// Polls `condition` every 10 ms, up to about `seconds`, until it holds; returns whether it did.
/// For end-to-end tests that wait on asynchronous delivery without asserting on timing.
public func eventually(seconds: Int = 20, _ condition: () async throws -> Bool) async throws -> Bool {
    for _ in 0..<(seconds * 100) {
        if try await condition() { return true }
        try await Task.sleep(for: .milliseconds(10))
    }
    return try await condition()
}
