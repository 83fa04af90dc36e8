extension Entity {
    /// The root fields an entity may have; any other is a validation error.
    public static let rootFields: Set<String> = ["apiVersion", "kind", "metadata", "spec", "relations", "status"]

    /// Reads an entity from JSON, checking the envelope's shape: required fields present, every
    /// field of the right JSON type, no foreign root fields.
    ///
    /// Format rules (name patterns, tag syntax, kinds' required spec fields) are
    /// ``EntityValidator``'s job; this only builds the value.
    /// - Throws: ``EntityValidationError`` naming the first field that is wrong.
    public init(json: JSONValue) throws(EntityValidationError) {
        guard case .object(let root) = json else {
            throw EntityValidationError(field: "", rule: "type", message: "entity must be an object, not \(json.typeName)")
        }
        for key in root.keys where !Entity.rootFields.contains(key) {
            throw EntityValidationError(
                field: key, rule: "noForeignRootFields",
                message: "unknown root field '\(key)'; only apiVersion, kind, metadata, spec, relations and status are allowed"
            )
        }
        let apiVersion = try Entity.requiredString(root, "apiVersion", path: "apiVersion")
        let kind = try Entity.requiredString(root, "kind", path: "kind")
        guard let metadataValue = root["metadata"] else {
            throw EntityValidationError(field: "metadata", rule: "required", message: "metadata is required")
        }
        guard case .object(var meta) = metadataValue else {
            throw EntityValidationError(
                field: "metadata", rule: "type", message: "metadata must be an object, not \(metadataValue.typeName)")
        }
        let name = try Entity.requiredString(meta, "name", path: "metadata.name")
        var metadata = EntityMetadata(name: name)
        metadata.namespace = try Entity.optionalString(meta, "namespace", path: "metadata.namespace")
        metadata.uid = try Entity.optionalString(meta, "uid", path: "metadata.uid")
        metadata.etag = try Entity.optionalString(meta, "etag", path: "metadata.etag")
        metadata.title = try Entity.optionalString(meta, "title", path: "metadata.title")
        metadata.description = try Entity.optionalString(meta, "description", path: "metadata.description")
        metadata.labels = try Entity.stringMap(meta, "labels", path: "metadata.labels")
        metadata.annotations = try Entity.stringMap(meta, "annotations", path: "metadata.annotations")
        if let tags = meta["tags"], !tags.isNull {
            guard case .array(let items) = tags else {
                throw EntityValidationError(
                    field: "metadata.tags", rule: "type", message: "metadata.tags must be an array, not \(tags.typeName)")
            }
            metadata.tags = try items.enumerated().map { (index, item) throws(EntityValidationError) in
                guard case .string(let tag) = item else {
                    throw EntityValidationError(
                        field: "metadata.tags[\(index)]", rule: "type",
                        message: "metadata.tags[\(index)] must be a string, not \(item.typeName)")
                }
                return tag
            }
        }
        if let links = meta["links"], !links.isNull {
            guard case .array(let items) = links else {
                throw EntityValidationError(
                    field: "metadata.links", rule: "type", message: "metadata.links must be an array, not \(links.typeName)")
            }
            metadata.links = try items.enumerated().map { (index, item) throws(EntityValidationError) in
                try EntityLink(json: item, path: "metadata.links[\(index)]")
            }
        }
        for key in ["name", "namespace", "uid", "etag", "title", "description", "labels", "annotations", "tags", "links"] {
            meta.removeValue(forKey: key)
        }
        metadata.additional = meta

        var spec: [String: JSONValue]?
        if let specValue = root["spec"], !specValue.isNull {
            guard case .object(let members) = specValue else {
                throw EntityValidationError(field: "spec", rule: "type", message: "spec must be an object, not \(specValue.typeName)")
            }
            spec = members
        }
        var relations: [EntityRelation]?
        if let relationsValue = root["relations"], !relationsValue.isNull {
            guard case .array(let items) = relationsValue else {
                throw EntityValidationError(
                    field: "relations", rule: "type", message: "relations must be an array, not \(relationsValue.typeName)")
            }
            relations = try items.enumerated().map { (index, item) throws(EntityValidationError) in
                let path = "relations[\(index)]"
                guard case .object(let members) = item else {
                    throw EntityValidationError(field: path, rule: "type", message: "\(path) must be an object")
                }
                return EntityRelation(
                    type: try Entity.requiredString(members, "type", path: "\(path).type"),
                    targetRef: try Entity.requiredString(members, "targetRef", path: "\(path).targetRef"))
            }
        }
        let status = root["status"].flatMap { $0.isNull ? nil : $0 }
        self.init(apiVersion: apiVersion, kind: kind, metadata: metadata, spec: spec, relations: relations, status: status)
    }

    /// The entity as a JSON value, ready to serialise.
    public var json: JSONValue {
        var root: [String: JSONValue] = [
            "apiVersion": .string(apiVersion),
            "kind": .string(kind),
            "metadata": metadata.json,
        ]
        if let spec { root["spec"] = .object(spec) }
        if let relations {
            root["relations"] = .array(relations.map { .object(["type": .string($0.type), "targetRef": .string($0.targetRef)]) })
        }
        if let status { root["status"] = status }
        return .object(root)
    }

    static func requiredString(_ object: [String: JSONValue], _ key: String, path: String) throws(EntityValidationError)
        -> String
    {
        guard let value = object[key], !value.isNull else {
            throw EntityValidationError(field: path, rule: "required", message: "\(path) is required")
        }
        guard case .string(let string) = value else {
            throw EntityValidationError(field: path, rule: "type", message: "\(path) must be a string, not \(value.typeName)")
        }
        return string
    }

    static func optionalString(_ object: [String: JSONValue], _ key: String, path: String) throws(EntityValidationError)
        -> String?
    {
        guard let value = object[key], !value.isNull else { return nil }
        guard case .string(let string) = value else {
            throw EntityValidationError(field: path, rule: "type", message: "\(path) must be a string, not \(value.typeName)")
        }
        return string
    }

    static func stringMap(_ object: [String: JSONValue], _ key: String, path: String) throws(EntityValidationError)
        -> [String: String]?
    {
        guard let value = object[key], !value.isNull else { return nil }
        guard case .object(let members) = value else {
            throw EntityValidationError(field: path, rule: "type", message: "\(path) must be an object, not \(value.typeName)")
        }
        var result: [String: String] = [:]
        result.reserveCapacity(members.count)
        for (memberKey, memberValue) in members {
            guard case .string(let string) = memberValue else {
                throw EntityValidationError(
                    field: "\(path).\(memberKey)", rule: "type",
                    message: "\(path).\(memberKey) must be a string, not \(memberValue.typeName)")
            }
            result[memberKey] = string
        }
        return result
    }
}

extension EntityMetadata {
    /// The metadata as a JSON object.
    public var json: JSONValue {
        var object = additional
        object["name"] = .string(name)
        if let namespace { object["namespace"] = .string(namespace) }
        if let uid { object["uid"] = .string(uid) }
        if let etag { object["etag"] = .string(etag) }
        if let title { object["title"] = .string(title) }
        if let description { object["description"] = .string(description) }
        if let labels { object["labels"] = .object(labels.mapValues { .string($0) }) }
        if let annotations { object["annotations"] = .object(annotations.mapValues { .string($0) }) }
        if let tags { object["tags"] = .array(tags.map { .string($0) }) }
        if let links { object["links"] = .array(links.map(\.json)) }
        return .object(object)
    }
}

extension EntityLink {
    init(json: JSONValue, path: String) throws(EntityValidationError) {
        guard case .object(var members) = json else {
            throw EntityValidationError(field: path, rule: "type", message: "\(path) must be an object, not \(json.typeName)")
        }
        self.init(url: try Entity.requiredString(members, "url", path: "\(path).url"))
        title = try Entity.optionalString(members, "title", path: "\(path).title")
        icon = try Entity.optionalString(members, "icon", path: "\(path).icon")
        type = try Entity.optionalString(members, "type", path: "\(path).type")
        for key in ["url", "title", "icon", "type"] { members.removeValue(forKey: key) }
        additional = members
    }

    /// The link as a JSON object.
    public var json: JSONValue {
        var object = additional
        object["url"] = .string(url)
        if let title { object["title"] = .string(title) }
        if let icon { object["icon"] = .string(icon) }
        if let type { object["type"] = .string(type) }
        return .object(object)
    }
}
