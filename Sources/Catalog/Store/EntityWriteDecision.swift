/// What a store does with an entity whose ref is already stored (SPEC §4.2): the same provider,
/// or another whose stored location key is nil or equal, takes it (with the location key to
/// store); another provider with a different non-nil key leaves it and the conflict is recorded.
public enum EntityWriteDecision: Sendable, Equatable {
    case write(locationKey: String?)
    case conflict(LocationKeyConflict)

    /// - Parameter keepStoredKeyWhenNil: a delta's nil key keeps the stored key.
    public init(_ entity: PreparedEntity, provider: String, storedProvider: String, storedLocationKey: String?,
                keepStoredKeyWhenNil: Bool) {
        if storedProvider != provider {
            if let storedLocationKey, storedLocationKey != entity.locationKey {
                self = .conflict(LocationKeyConflict(
                    entityRef: entity.ref, owner: storedProvider, existingLocationKey: storedLocationKey,
                    newLocationKey: entity.locationKey))
                return
            }
        } else if entity.locationKey == nil, keepStoredKeyWhenNil {
            self = .write(locationKey: storedLocationKey)
            return
        }
        self = .write(locationKey: entity.locationKey)
    }
}
