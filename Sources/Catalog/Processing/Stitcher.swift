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

    /// The served JSON and its etag. The etag hashes everything a reader sees (processed entity,
    /// uid, relations), so it changes whenever the served entity does.
    public static func stitch(processedJSON: [UInt8], metadataEnd: Int, uid: String,
                              relations: [EntityRelation]) -> (json: [UInt8], etag: String) {
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
        out.append(contentsOf: processedJSON[metadataEnd..<(processedJSON.count - 1)])
        out.append(contentsOf: #","relations":"#.utf8)
        out.append(contentsOf: relationBytes)
        out.append(UInt8(ascii: "}"))
        return (out, etag)
    }
}
