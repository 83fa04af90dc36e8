/// Publishing and subscribing (Backstage's `EventsService`), made durable: a published event is
/// in the event log before `publish` returns, and every subscriber gets it at least once, in
/// order, through a cursor named by its id.
public protocol EventsService: Sendable {
    /// Appends the event to the durable log; returns once it is committed and flushed.
    func publish(_ params: EventParams) async throws

    /// Registers a subscriber. The id names its durable cursor: a subscriber seen for the first
    /// time starts at the log's tail; a known one resumes where it stopped. A throwing `onEvent`
    /// is retried with backoff, then the event is parked as a dead letter.
    func subscribe(id: String, topics: [String], onEvent: @escaping EventHandler) async throws
}

/// What a subscriber runs for each event.
public typealias EventHandler = @Sendable (EventParams) async throws -> Void
