/// An event to append: the raw payload bytes as received (never re-serialised), its metadata
/// without secrets, and an optional idempotency key.
public struct NewEvent: Sendable, Equatable {
    public var topic: String
    /// The payload as received: validators and operators see exactly these bytes.
    public var payload: [UInt8]
    public var metadata: [String: String]
    /// Deduplicates deliveries of the same event on a topic within retention.
    public var idempotencyKey: String?

    public init(topic: String, payload: [UInt8], metadata: [String: String] = [:], idempotencyKey: String? = nil) {
        self.topic = topic
        self.payload = payload
        self.metadata = metadata
        self.idempotencyKey = idempotencyKey
    }
}

/// What an append did.
public enum AppendOutcome: Sendable, Equatable {
    /// Stored at `position` with a new id.
    case appended(id: String, position: Int64)
    /// The idempotency key was seen on this topic already: nothing stored; `id` is the first event's.
    case duplicate(id: String)

    /// The id of the stored (or first) event.
    public var eventID: String {
        switch self {
        case .appended(let id, _), .duplicate(let id): return id
        }
    }
}

/// An event as stored.
public struct StoredEvent: Sendable, Equatable {
    public var id: String
    public var position: Int64
    public var topic: String
    public var payload: [UInt8]
    public var metadata: [String: String]
    public var idempotencyKey: String?
    /// ISO-8601 time of the append.
    public var receivedAt: String

    public init(id: String, position: Int64, topic: String, payload: [UInt8], metadata: [String: String],
                idempotencyKey: String?, receivedAt: String) {
        self.id = id
        self.position = position
        self.topic = topic
        self.payload = payload
        self.metadata = metadata
        self.idempotencyKey = idempotencyKey
        self.receivedAt = receivedAt
    }
}

/// A subscriber's durable state.
public struct SubscriberState: Sendable, Equatable {
    public var id: String
    public var topics: [String]
    /// The position of the last event it has passed (delivered, or parked as a dead letter).
    public var cursor: Int64
    public var paused: Bool
    public var lastError: String?
    /// ISO-8601 time it was last registered or delivered to.
    public var lastSeenAt: String

    public init(id: String, topics: [String], cursor: Int64, paused: Bool, lastError: String?, lastSeenAt: String) {
        self.id = id
        self.topics = topics
        self.cursor = cursor
        self.paused = paused
        self.lastError = lastError
        self.lastSeenAt = lastSeenAt
    }
}

/// A delivery that failed `maxAttempts` times, parked for an operator.
public struct DeadLetter: Sendable, Equatable {
    public var id: Int64
    public var subscriberID: String
    public var event: StoredEvent
    public var attempts: Int
    public var lastError: String
    public var failedAt: String
    /// Set by a replay request; the subscriber's dispatcher delivers it again.
    public var replayRequested: Bool

    public init(id: Int64, subscriberID: String, event: StoredEvent, attempts: Int, lastError: String,
                failedAt: String, replayRequested: Bool) {
        self.id = id
        self.subscriberID = subscriberID
        self.event = event
        self.attempts = attempts
        self.lastError = lastError
        self.failedAt = failedAt
        self.replayRequested = replayRequested
    }
}

/// Retention limits (SPEC §3.4).
public struct RetentionPolicy: Sendable, Equatable {
    public var maxAge: Duration
    public var maxEvents: Int
    public var maxBytes: Int
    public var staleSubscriberAfter: Duration

    public init(maxAge: Duration = .seconds(7 * 86_400), maxEvents: Int = 1_000_000, maxBytes: Int = 2 << 30,
                staleSubscriberAfter: Duration = .seconds(7 * 86_400)) {
        self.maxAge = maxAge
        self.maxEvents = maxEvents
        self.maxBytes = maxBytes
        self.staleSubscriberAfter = staleSubscriberAfter
    }
}

/// What a retention pass removed.
public struct RetentionReport: Sendable, Equatable {
    public var eventsDeleted = 0
    public var staleSubscribersDropped: [String] = []

    public init(eventsDeleted: Int = 0, staleSubscribersDropped: [String] = []) {
        self.eventsDeleted = eventsDeleted
        self.staleSubscribersDropped = staleSubscribersDropped
    }
}

/// Per-topic figures for operators.
public struct TopicStatistics: Sendable, Equatable {
    public var topic: String
    public var storedEvents: Int
    public var lastPosition: Int64?
    public var lastReceivedAt: String?
    /// Events received in the last minute.
    public var lastMinute: Int

    public init(topic: String, storedEvents: Int, lastPosition: Int64?, lastReceivedAt: String?, lastMinute: Int = 0) {
        self.topic = topic
        self.storedEvents = storedEvents
        self.lastPosition = lastPosition
        self.lastReceivedAt = lastReceivedAt
        self.lastMinute = lastMinute
    }
}

/// The durable event log: events, subscriber cursors, dead letters, idempotency keys.
///
/// Positions become visible in commit order: a reader never passes a position that a concurrent
/// writer commits later.
public protocol EventLog: Sendable {
    /// Appends events in one durable commit (flushed before it returns); idempotency keys already
    /// seen on a topic give ``AppendOutcome/duplicate(id:)``.
    func append(_ events: [NewEvent]) async throws -> [AppendOutcome]

    /// Events on `topics` after `position`, in position order.
    func read(topics: [String], after position: Int64, limit: Int) async throws -> [StoredEvent]

    /// The highest position appended so far (0 when empty).
    func tail() async throws -> Int64

    /// Registers (or re-registers) a subscriber: a new id starts at the tail; a known id keeps its
    /// cursor and gets the new topic list.
    func register(subscriber id: String, topics: [String]) async throws -> SubscriberState

    /// Every known subscriber.
    func subscribers() async throws -> [SubscriberState]

    /// How many stored events on a subscriber's topics lie beyond its cursor.
    func lag(subscriber id: String) async throws -> Int

    /// Moves a subscriber's cursor forward (never back) and clears its last error.
    func advance(subscriber id: String, to position: Int64) async throws

    /// A router's step: appends `events` (the routed ones of a batch) and advances the router's
    /// cursor to `position`, in one durable commit.
    func republish(_ events: [NewEvent], subscriber id: String, advancingTo position: Int64) async throws

    /// Parks `event` as a dead letter for `subscriber` and advances its cursor past it, in one commit.
    func park(_ event: StoredEvent, subscriber id: String, attempts: Int, error: String) async throws

    /// Records a subscriber's last delivery error (nil clears it).
    func recordError(subscriber id: String, error: String?) async throws

    /// Pauses or resumes a subscriber; false when unknown.
    func setPaused(subscriber id: String, paused: Bool) async throws -> Bool

    /// How many dead letters each subscriber has (subscribers without any are absent).
    func deadLetterCounts() async throws -> [String: Int]

    /// Dead letters, oldest first, optionally of one subscriber.
    func deadLetters(subscriber id: String?, limit: Int) async throws -> [DeadLetter]

    /// Marks dead letters for replay (one by id, or all of a subscriber, or all); returns how many.
    func requestReplay(deadLetter id: Int64?, subscriber: String?) async throws -> Int

    /// Removes a dead letter (after a successful replay, or by an operator); false when unknown.
    func deleteDeadLetter(id: Int64) async throws -> Bool

    /// Records another failed replay of a dead letter.
    func replayFailed(deadLetter id: Int64, attempts: Int, error: String) async throws

    /// Recent events, newest first, optionally of one topic and before a position.
    func recentEvents(topic: String?, before position: Int64?, limit: Int) async throws -> [StoredEvent]

    /// One stored event by id.
    func event(id: String) async throws -> StoredEvent?

    /// Stored events and last arrival per topic.
    func topicStatistics() async throws -> [TopicStatistics]

    /// Deletes what retention allows (SPEC §3.4) and drops stale subscribers.
    func applyRetention(_ policy: RetentionPolicy) async throws -> RetentionReport

    /// Takes, or renews, the right to deliver `subscriber`'s events for `owner` (an instance)
    /// for `duration`: false while another owner holds it unexpired. Instances sharing one log
    /// deliver each subscriber's events from one instance at a time, in order; a dead owner's
    /// claim lapses after `duration` and another instance redelivers from the cursor.
    func claimDelivery(subscriber id: String, owner: String, for duration: Duration) async throws -> Bool

    /// Gives up `owner`'s claim on `subscriber` (at shutdown), so another instance takes over at once.
    func releaseDelivery(subscriber id: String, owner: String) async throws
}

extension EventLog {
    /// A log that one process uses alone (SQLite): the process always holds the claim.
    public func claimDelivery(subscriber id: String, owner: String, for duration: Duration) async throws -> Bool {
        true
    }

    /// A log that one process uses alone (SQLite): there is no claim to give up.
    public func releaseDelivery(subscriber id: String, owner: String) async throws {}
}
