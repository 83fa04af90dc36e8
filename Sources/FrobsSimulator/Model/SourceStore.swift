/// One source's state: what it holds (or, once deleted, what it held), and what it held before
/// its last change.
struct SourceRecord: Sendable, Equatable {
    var frobs: [Frob]
    var previous: [Frob]?
    var isDeleted: Bool
    var version: Int
}

/// A source as the demo planner and `GET /sources` see it.
struct SourceSnapshot: Sendable, Equatable {
    var id: String
    var frobs: [Frob]
    var isDeleted: Bool
    var version: Int
}

/// The upstream's sources and their transitions; a plain value, locked by ``FrobsUpstream``.
///
/// - A new id, or a deleted one, is (re-)created: event `add`, no previous state.
/// - A live id is replaced: event `modify`, previous state = the old frobs.
/// - Delete keeps describing: the data URL still serves what the source held (SPEC §7), and the
///   previous state is that same list, until the source is re-created.
struct SourceStore: Sendable {
    private(set) var records: [String: SourceRecord] = [:]

    enum DeleteOutcome: Equatable { case deleted(version: Int), unknown, alreadyDeleted }

    /// Creates or replaces the source; returns the event to announce and the new version.
    mutating func put(_ id: String, frobs: [Frob]) -> (FrobsEventType, Int) {
        guard var record = records[id] else {
            records[id] = SourceRecord(frobs: frobs, previous: nil, isDeleted: false, version: 1)
            return (.add, 1)
        }
        let event: FrobsEventType
        if record.isDeleted {
            record.previous = nil
            event = .add
        } else {
            record.previous = record.frobs
            event = .modify
        }
        record.frobs = frobs
        record.isDeleted = false
        record.version += 1
        records[id] = record
        return (event, record.version)
    }

    /// Marks a live source deleted.
    mutating func delete(_ id: String) -> DeleteOutcome {
        guard var record = records[id] else { return .unknown }
        guard !record.isDeleted else { return .alreadyDeleted }
        record.previous = record.frobs
        record.isDeleted = true
        record.version += 1
        records[id] = record
        return .deleted(version: record.version)
    }

    /// What `GET /sources/{id}/data` serves: the current frobs, or those a deleted source held;
    /// nil for an id that never existed.
    func data(_ id: String) -> [Frob]? { records[id]?.frobs }

    /// What `…/previous-state` serves; nil when the source has none.
    func previousState(_ id: String) -> [Frob]? { records[id]?.previous }

    /// The ids, in display order.
    var orderedIDs: [String] { records.keys.sorted(by: FrobSource.precedes) }

    /// Every frob of every live source, sources in display order: the full-sync document.
    func liveFrobs() -> [Frob] {
        orderedIDs.flatMap { id -> [Frob] in
            guard let record = records[id], !record.isDeleted else { return [] }
            return record.frobs
        }
    }

    /// All sources, live and deleted, in display order.
    func snapshots() -> [SourceSnapshot] {
        orderedIDs.compactMap { id in
            records[id].map { SourceSnapshot(id: id, frobs: $0.frobs, isDeleted: $0.isDeleted, version: $0.version) }
        }
    }

    func snapshot(_ id: String) -> SourceSnapshot? {
        records[id].map { SourceSnapshot(id: id, frobs: $0.frobs, isDeleted: $0.isDeleted, version: $0.version) }
    }
}
