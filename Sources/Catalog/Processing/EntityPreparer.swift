/// Turns what a provider sent into what the store writes: defaults, processors, validation,
/// relations and index rows. Pure and synchronous, so it can run inside a write transaction.
public struct EntityPreparer: Sendable {
    /// Annotation naming the location that manages an entity.
    public static let managedByLocation = "backstage.io/managed-by-location"
    /// Annotation naming the registered root location.
    public static let managedByOriginLocation = "backstage.io/managed-by-origin-location"

    public let processors: [any EntityProcessor]

    public init(processors: [any EntityProcessor] = []) {
        self.processors = processors
    }

    /// The hash of what the provider sent; an unchanged hash means the stored entity is current.
    public func inputHash(of deferred: DeferredEntity) -> String {
        ContentHash.of([deferred.entity.json.canonicalBytes(), Array((deferred.locationKey ?? "\u{0}").utf8)])
    }

    /// Processes one entity; a failure names every rule it breaks.
    public func prepare(_ deferred: DeferredEntity, providerName: String, inputHash: String? = nil)
        -> Result<PreparedEntity, EntityRejection>
    {
        let refText = deferred.entity.ref.description
        var entity = deferred.entity
        entity.metadata.uid = nil
        entity.metadata.etag = nil
        entity.relations = nil
        var context = ProcessingContext(providerName: providerName, locationKey: deferred.locationKey)
        do {
            for processor in processors {
                entity = try processor.preProcessEntity(entity, context: &context)
            }
        } catch {
            return .failure(EntityRejection(entityRef: refText, errors: ["processor failed: \(error)"]))
        }
        if entity.metadata.namespace == nil { entity.metadata.namespace = EntityRef.defaultNamespace }
        var annotations = entity.metadata.annotations ?? [:]
        if annotations[Self.managedByLocation] == nil {
            annotations[Self.managedByLocation] = "provider:\(providerName)"
        }
        if annotations[Self.managedByOriginLocation] == nil {
            annotations[Self.managedByOriginLocation] = "provider:\(providerName)"
        }
        entity.metadata.annotations = annotations

        let errors = EntityValidator.validate(entity)
        guard errors.isEmpty else {
            return .failure(EntityRejection(entityRef: refText, errors: errors.map(\.message)))
        }
        context.relations.append(contentsOf: RelationDerivation.derive(from: entity))
        do {
            for processor in processors {
                entity = try processor.postProcessEntity(entity, context: &context)
            }
        } catch {
            return .failure(EntityRejection(entityRef: refText, errors: ["processor failed: \(error)"]))
        }
        let finalRef = entity.ref.description
        guard finalRef == refText else {
            return .failure(EntityRejection(
                entityRef: refText, errors: ["a processor changed the entity's ref from \(refText) to \(finalRef)"]))
        }
        let json = entity.json
        let rows: [SearchRow]
        do {
            rows = try SearchRowBuilder.rows(for: entity, json: json)
        } catch {
            return .failure(EntityRejection(entityRef: refText, errors: [error.description]))
        }
        var relations = Set<StoredRelation>()
        for relation in context.relations {
            relations.insert(StoredRelation(
                sourceRef: relation.source.description, type: relation.type, targetRef: relation.target.description))
        }
        let processed = Stitcher.processedJSON(of: entity)
        return .success(PreparedEntity(
            ref: refText,
            locationKey: deferred.locationKey,
            inputHash: inputHash ?? self.inputHash(of: deferred),
            entity: entity,
            processedJSON: processed.json,
            metadataEnd: processed.metadataEnd,
            relations: relations.sorted(),
            searchRows: rows,
            refreshKeys: context.refreshKeys
        ))
    }
}
