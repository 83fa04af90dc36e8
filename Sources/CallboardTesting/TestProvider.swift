import Catalog
import Synchronization

/// An entity provider for tests: it keeps the connection so a test can apply mutations.
public final class TestProvider: EntityProvider {
    public let name: String
    private let connectionBox = Mutex<(any EntityProviderConnection)?>(nil)

    public init(name: String) {
        self.name = name
    }

    public func connect(_ connection: any EntityProviderConnection) async throws {
        connectionBox.withLock { $0 = connection }
    }

    /// The connection the catalog handed over.
    public var connection: any EntityProviderConnection {
        get throws {
            guard let connection = connectionBox.withLock({ $0 }) else { throw NotConnected(provider: name) }
            return connection
        }
    }

    /// Applies a mutation through the connection.
    @discardableResult
    public func apply(_ mutation: EntityProviderMutation) async throws -> MutationResult {
        try await connection.applyMutation(mutation)
    }

    public struct NotConnected: Error, CustomStringConvertible {
        public var provider: String
        public var description: String { "provider \(provider) was not connected" }
    }
}
