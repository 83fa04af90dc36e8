import CatalogModel

/// Builds the entity as served from its processed form: `metadata.uid` and `metadata.etag` are
/// spliced into the processed JSON text and the relations whose source it is are appended, with
/// no re-parsing, so re-stitching an entity whose relations changed is cheap.
public enum Stitcher {
    /// The processed entity's canonical JSON (no uid, etag or relations) and the offset of the
    /// closing brace of its `metadata` object.
    public static func processedJSON(of entity: Entity) -> (json: [UInt8], metadataEnd: Int) {
        var out: [UInt8] = []
        out.reserveCapacity(1024)
        out.append(contentsOf: #"{"apiVersion":"#.utf8)
        JSONValue.writeString(entity.apiVersion, into: &out)
        out.append(contentsOf: #","kind":"#.utf8)
        JSONValue.writeString(entity.kind, into: &out)
        out.append(contentsOf: #","metadata":"#.utf8)
        var metadata = entity.metadata
        metadata.uid = nil
        metadata.etag = nil
        metadata.json.write(into: &out)
        let metadataEnd = out.count - 1
        if let spec = entity.spec {
            out.append(contentsOf: #","spec":"#.utf8)
            JSONValue.object(spec).write(into: &out)
        }
        if let status = entity.status {
            out.append(contentsOf: #","status":"#.utf8)
            status.write(into: &out)
        }
        out.append(UInt8(ascii: "}"))
        return (out, metadataEnd)
    }

    /// An entity as served, and where its processed form lies inside it.
    public struct Stitched: Sendable {
        /// The served JSON.
        public var json: [UInt8]
        /// Hashes everything a reader sees (processed entity, uid, relations), so it changes
        /// whenever the served entity does.
        public var etag: String
        /// Where the processed JSON lies in ``json``; store it to get the processed JSON back
        /// with ``processedJSON(fromServed:layout:)`` instead of storing both.
        public var layout: Layout
    }

    /// The served JSON is the processed JSON with `,"etag":…,"uid":…` spliced in at
    /// `metadataEnd` and `,"relations":[…]` put before its final brace: the processed JSON is
    /// `json[..<metadataEnd] + json[splicedEnd..<relationsStart] + "}"`.
    public struct Layout: Sendable, Equatable {
        /// The offset of `metadata`'s closing brace, in the processed and the served JSON alike.
        public var metadataEnd: Int
        /// Where the processed JSON goes on after the spliced etag and uid.
        public var splicedEnd: Int
        /// Where `,"relations":` starts: the processed JSON ends just before it, less its brace.
        public var relationsStart: Int

        public init(metadataEnd: Int, splicedEnd: Int, relationsStart: Int) {
            self.metadataEnd = metadataEnd
            self.splicedEnd = splicedEnd
            self.relationsStart = relationsStart
        }

        /// Whether the offsets describe `served` (in order, inside it), so that slicing is safe.
        func fits(_ served: [UInt8]) -> Bool {
            0 < metadataEnd && metadataEnd <= splicedEnd && splicedEnd <= relationsStart && relationsStart < served.count
        }
    }

    /// The processed JSON inside a served entity, or nil when `layout` does not fit it.
    public static func processedJSON(fromServed served: [UInt8], layout: Layout) -> [UInt8]? {
        guard layout.fits(served) else { return nil }
        var out: [UInt8] = []
        out.reserveCapacity(layout.metadataEnd + layout.relationsStart - layout.splicedEnd + 1)
        out.append(contentsOf: served[..<layout.metadataEnd])
        out.append(contentsOf: served[layout.splicedEnd..<layout.relationsStart])
        out.append(UInt8(ascii: "}"))
        return out
    }

    /// The served JSON and its etag, and where the processed JSON lies in it.
    public static func stitch(processedJSON: [UInt8], metadataEnd: Int, uid: String,
                              relations: [EntityRelation]) -> Stitched {
        var relationBytes: [UInt8] = []
        relationBytes.reserveCapacity(relations.count * 48 + 2)
        relationBytes.append(UInt8(ascii: "["))
        for (index, relation) in relations.enumerated() {
            if index > 0 { relationBytes.append(UInt8(ascii: ",")) }
            relationBytes.append(contentsOf: #"{"targetRef":"#.utf8)
            JSONValue.writeString(relation.targetRef, into: &relationBytes)
            relationBytes.append(contentsOf: #","type":"#.utf8)
            JSONValue.writeString(relation.type, into: &relationBytes)
            relationBytes.append(UInt8(ascii: "}"))
        }
        relationBytes.append(UInt8(ascii: "]"))
        let etag = ContentHash.of([processedJSON, Array(uid.utf8), relationBytes])

        var out: [UInt8] = []
        out.reserveCapacity(processedJSON.count + relationBytes.count + 128)
        out.append(contentsOf: processedJSON[..<metadataEnd])
        out.append(contentsOf: #","etag":"#.utf8)
        JSONValue.writeString(etag, into: &out)
        out.append(contentsOf: #","uid":"#.utf8)
        JSONValue.writeString(uid, into: &out)
        let splicedEnd = out.count
        out.append(contentsOf: processedJSON[metadataEnd..<(processedJSON.count - 1)])
        let relationsStart = out.count
        out.append(contentsOf: #","relations":"#.utf8)
        out.append(contentsOf: relationBytes)
        out.append(UInt8(ascii: "}"))
        return Stitched(json: out, etag: etag,
                        layout: Layout(metadataEnd: metadataEnd, splicedEnd: splicedEnd, relationsStart: relationsStart))
    }
}
