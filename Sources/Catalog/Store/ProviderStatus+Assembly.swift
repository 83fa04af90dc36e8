extension ProviderStatus {
    /// A provider's bookkeeping row, as stores keep it.
    public struct Bookkeeping: Sendable {
        public var lastFullSyncAt: String?
        public var lastMutationAt: String?
        public var lastError: String?

        public init(lastFullSyncAt: String?, lastMutationAt: String?, lastError: String?) {
            self.lastFullSyncAt = lastFullSyncAt
            self.lastMutationAt = lastMutationAt
            self.lastError = lastError
        }
    }

    /// One status per provider that owns entities or has bookkeeping, sorted by name.
    public static func assemble(entityCounts: [String: Int], bookkeeping: [String: Bookkeeping],
                                rejected: [String: [EntityRejection]],
                                conflicts: [String: [LocationKeyConflict]]) -> [ProviderStatus] {
        Set(entityCounts.keys).union(bookkeeping.keys).sorted().map { name in
            ProviderStatus(
                name: name, entityCount: entityCounts[name] ?? 0, lastFullSyncAt: bookkeeping[name]?.lastFullSyncAt,
                lastMutationAt: bookkeeping[name]?.lastMutationAt, lastError: bookkeeping[name]?.lastError,
                rejected: rejected[name] ?? [], conflicts: conflicts[name] ?? [])
        }
    }
}
