import CallboardTesting
import Catalog
import CatalogModel
import FrobsSimulator

/// The demo data the browser tests open the UI on: a small organisation (groups, a system, an API,
/// components with relations, links and tags) and enough services for a second page.
enum BrowserDemo {
    static func entities() -> [Entity] {
        var entities: [Entity] = [
            EntityFactory.group("team-a", children: []),
            EntityFactory.group("team-b"),
            EntityFactory.system("pets", owner: "group:default/team-a"),
            Entity(apiVersion: "backstage.io/v1alpha1", kind: "API",
                   metadata: EntityMetadata(name: "petstore-api", title: "Petstore API",
                                            description: "The pets REST API"),
                   spec: ["type": "openapi", "lifecycle": "production", "owner": "group:default/team-a",
                          "system": "pets", "definition": "openapi: 3.0.0"]),
            Entity(apiVersion: "backstage.io/v1alpha1", kind: "Component",
                   metadata: EntityMetadata(
                       name: "petstore", title: "Petstore", description: "Sells pets <b>online</b>",
                       labels: ["tier": "1"], annotations: ["example.com/runbook": "https://runbooks.example.com/petstore"],
                       tags: ["java", "payments"],
                       links: [EntityLink(url: "https://petstore.example.com", title: "Petstore site"),
                               EntityLink(url: "javascript:alert(1)", title: "not a link")]),
                   spec: ["type": "service", "lifecycle": "production", "owner": "group:default/team-a",
                          "system": "pets", "providesApis": ["petstore-api"], "dependsOn": ["component:default/pet-db"]]),
            EntityFactory.component("pet-db", owner: "group:default/team-a", type: "database", system: "pets"),
            EntityFactory.component("pet-web", owner: "group:default/team-b", type: "website",
                                    dependsOn: ["component:default/petstore"], title: "Pet web shop"),
        ]
        for index in 1...30 {
            entities.append(EntityFactory.component(
                "service-\(index < 10 ? "0" : "")\(index)", owner: "group:default/team-b", type: "service",
                lifecycle: index % 3 == 0 ? "experimental" : "production"))
        }
        return entities
    }

    /// Frobs the simulator starts with (the scheduled full sync brings them in).
    static let initialSources = [
        FrobSource(id: "1", frobs: [
            Frob(name: "frob-alpha", owner: "team-a", title: "Alpha frob", tags: ["frob"]),
            Frob(name: "frob-beta", owner: "team-b", title: "Beta frob"),
        ]),
    ]
}
