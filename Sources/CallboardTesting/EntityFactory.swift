import Catalog

/// Small builders for test entities.
public enum EntityFactory {
    /// A Component with the required spec fields.
    public static func component(
        _ name: String, namespace: String? = nil, owner: String = "group:default/team-a", type: String = "service",
        lifecycle: String = "production", system: String? = nil, dependsOn: [String] = [], tags: [String]? = nil,
        labels: [String: String]? = nil, title: String? = nil
    ) -> Entity {
        var spec: [String: JSONValue] = [
            "type": .string(type), "lifecycle": .string(lifecycle), "owner": .string(owner),
        ]
        if let system { spec["system"] = .string(system) }
        if !dependsOn.isEmpty { spec["dependsOn"] = .array(dependsOn.map(JSONValue.string)) }
        return Entity(
            apiVersion: "backstage.io/v1alpha1", kind: "Component",
            metadata: EntityMetadata(name: name, namespace: namespace, title: title, labels: labels, tags: tags),
            spec: spec)
    }

    /// A Group.
    public static func group(_ name: String, type: String = "team", children: [String] = [], parent: String? = nil)
        -> Entity
    {
        var spec: [String: JSONValue] = ["type": .string(type), "children": .array(children.map(JSONValue.string))]
        if let parent { spec["parent"] = .string(parent) }
        return Entity(apiVersion: "backstage.io/v1alpha1", kind: "Group", metadata: EntityMetadata(name: name), spec: spec)
    }

    /// A System.
    public static func system(_ name: String, owner: String) -> Entity {
        Entity(apiVersion: "backstage.io/v1alpha1", kind: "System", metadata: EntityMetadata(name: name),
               spec: ["owner": .string(owner)])
    }

    /// Wraps entities for a mutation.
    public static func deferred(_ entities: [Entity], locationKey: String? = nil) -> [DeferredEntity] {
        entities.map { DeferredEntity(entity: $0, locationKey: locationKey) }
    }
}
