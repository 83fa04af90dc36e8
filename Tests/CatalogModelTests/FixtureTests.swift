import CatalogModel
import Testing

/// JSON equivalents, written by hand, of the YAML fixtures in `Tests/Fixtures/entities` (this
/// target has no YAML library). Comments in the YAML are dropped; everything else is kept.
enum Fixtures {
    /// `invalid-component.yaml`: meant to fail validation.
    static let invalidComponent = #"""
        {
          "apiVersion": "backstage.io/v1alpha1",
          "kind": "Component",
          "metadata": {
            "name": "invalid component",
            "description": "An Invalid Component with a name that doesn't comply to the restrictions",
            "labels": {"goVersion": "go1.15.3", "category": "music"},
            "tags": ["go", "go 1.15.3"]
          },
          "spec": {"type": "service", "lifecycle": "production", "owner": "user:guest", "system": "audio-playback"}
        }
        """#

    /// `different-namespace.yaml`.
    static let differentNamespace = #"""
        {
          "apiVersion": "backstage.io/v1alpha1",
          "kind": "Component",
          "metadata": {
            "name": "different-namespace",
            "namespace": "alternative",
            "description": "Example of a Component in a different namespace"
          },
          "spec": {"type": "service", "lifecycle": "experimental", "owner": "default/team-a"}
        }
        """#

    /// `acme-team-a-group.yaml`: six documents, as an array.
    static let acmeTeamA = #"""
        [
          {
            "apiVersion": "backstage.io/v1alpha1",
            "kind": "Group",
            "metadata": {"name": "team-a", "description": "Team A"},
            "spec": {
              "type": "team",
              "profile": {
                "email": "team-a@example.com",
                "picture": "https://api.dicebear.com/7.x/identicon/svg?seed=Fluffy&backgroundType=solid,gradientLinear&backgroundColor=ffd5dc,b6e3f4"
              },
              "parent": "backstage",
              "children": []
            }
          },
          {
            "apiVersion": "backstage.io/v1alpha1",
            "kind": "User",
            "metadata": {"name": "breanna.davison"},
            "spec": {
              "profile": {
                "email": "breanna-davison@example.com",
                "picture": "https://api.dicebear.com/7.x/avataaars/svg?seed=Luna&backgroundColor=transparent"
              },
              "memberOf": ["team-a"]
            }
          },
          {
            "apiVersion": "backstage.io/v1alpha1",
            "kind": "User",
            "metadata": {"name": "janelle.dawe"},
            "spec": {
              "profile": {
                "displayName": "Janelle Dawe",
                "email": "janelle-dawe@example.com",
                "picture": "https://api.dicebear.com/7.x/avataaars/svg?seed=Leo&backgroundColor=transparent"
              },
              "memberOf": ["team-a"]
            }
          },
          {
            "apiVersion": "backstage.io/v1alpha1",
            "kind": "User",
            "metadata": {"name": "nigel.manning"},
            "spec": {
              "profile": {
                "displayName": "Nigel Manning",
                "email": "nigel-manning@example.com",
                "picture": "https://api.dicebear.com/7.x/avataaars/svg?seed=Midnight&backgroundColor=transparent"
              },
              "memberOf": ["team-a"]
            }
          },
          {
            "apiVersion": "backstage.io/v1alpha1",
            "kind": "User",
            "metadata": {"name": "guest"},
            "spec": {"profile": {"displayName": "Guest User", "email": "guest@example.com"}, "memberOf": ["team-a"]}
          },
          {
            "apiVersion": "backstage.io/v1alpha1",
            "kind": "User",
            "metadata": {"name": "guest", "namespace": "development"},
            "spec": {
              "profile": {"displayName": "Guest User", "email": "guest@example.com"},
              "memberOf": ["group:default/team-a"]
            }
          }
        ]
        """#

    /// `acme-org.yaml`: a Group and a Location.
    static let acmeOrg = #"""
        [
          {
            "apiVersion": "backstage.io/v1alpha1",
            "kind": "Group",
            "metadata": {
              "name": "acme-corp",
              "description": "The acme-corp organization",
              "links": [
                {"url": "http://www.acme.com/", "title": "Website"},
                {"url": "https://meta.wikimedia.org/wiki/", "title": "Intranet"}
              ]
            },
            "spec": {
              "type": "organization",
              "profile": {
                "displayName": "ACME Corp",
                "email": "info@example.com",
                "picture": "https://avatars.dicebear.com/api/identicon/info@example.com.svg?background=%23fff&margin=25"
              },
              "children": ["infrastructure"]
            }
          },
          {
            "apiVersion": "backstage.io/v1alpha1",
            "kind": "Location",
            "metadata": {"name": "example-groups", "description": "A collection of all Backstage example Groups"},
            "spec": {
              "targets": [
                "./infrastructure-group.yaml", "./boxoffice-group.yaml", "./backstage-group.yaml",
                "./team-a-group.yaml", "./team-b-group.yaml", "./team-c-group.yaml", "./team-d-group.yaml",
                "./team-e-big-name-group.yaml"
              ]
            }
          }
        ]
        """#

    /// `petstore-component.yaml`.
    static let petstoreComponent = #"""
        {
          "apiVersion": "backstage.io/v1alpha1",
          "kind": "Component",
          "metadata": {
            "name": "petstore",
            "description": "The Petstore is an example API used to show features of the OpenAPI spec.",
            "links": [{"url": "https://github.com/swagger-api/swagger-petstore", "title": "GitHub Repo", "icon": "github"}]
          },
          "spec": {
            "type": "service",
            "lifecycle": "experimental",
            "owner": "team-c",
            "providesApis": ["petstore", "streetlights", "hello-world"]
          }
        }
        """#

    /// `petstore-api.yaml`, with the OpenAPI `definition` block cut to its first lines.
    static let petstoreAPI = #"""
        {
          "apiVersion": "backstage.io/v1alpha1",
          "kind": "API",
          "metadata": {
            "name": "petstore",
            "description": "The petstore API",
            "tags": ["store", "rest"],
            "links": [
              {"url": "https://github.com/swagger-api/swagger-petstore", "title": "GitHub Repo", "icon": "github"},
              {"url": "https://github.com/OAI/OpenAPI-Specification/blob/master/examples/v3.0/petstore.yaml",
               "title": "API Spec", "icon": "code"}
            ]
          },
          "spec": {
            "type": "openapi",
            "lifecycle": "experimental",
            "owner": "team-c",
            "definition": "openapi: \"3.0.0\"\ninfo:\n  version: 1.0.0\n  title: Swagger Petstore\n  license:\n    name: MIT\n"
          }
        }
        """#

    /// `artists-domain.yaml`.
    static let artistsDomain = #"""
        {
          "apiVersion": "backstage.io/v1alpha1",
          "kind": "Domain",
          "metadata": {
            "name": "artists",
            "description": "Everything related to artists",
            "title": "Artists",
            "links": [
              {"url": "http://example.com/domain/artists/", "title": "Domain Readme"},
              {"url": "http://example.com/domains/artists/dashboard", "title": "Domain Metrics Dashboard",
               "icon": "dashboard"}
            ]
          },
          "spec": {"owner": "team-a", "subdomainOf": "audio"}
        }
        """#

    /// `podcast-system.yaml`.
    static let podcastSystem = #"""
        {
          "apiVersion": "backstage.io/v1alpha1",
          "kind": "System",
          "metadata": {"name": "podcast", "description": "Podcast playback"},
          "spec": {"owner": "team-b", "domain": "playback"}
        }
        """#

    /// `artists-db-resource.yaml`.
    static let artistsDB = #"""
        {
          "apiVersion": "backstage.io/v1alpha1",
          "kind": "Resource",
          "metadata": {"name": "artists-db", "description": "Stores artist details"},
          "spec": {"type": "database", "owner": "team-a", "system": "artist-engagement-portal"}
        }
        """#

    static func entities(_ text: String) throws -> [Entity] {
        let json = try JSONParser.parse(text)
        if case .array(let items) = json {
            return try items.map { item throws(EntityValidationError) in try Entity(json: item) }
        }
        return [try Entity(json: json)]
    }
}

@Suite("Backstage example fixtures")
struct FixtureTests {
    @Test func invalidComponentFails() throws {
        let entity = try #require(try Fixtures.entities(Fixtures.invalidComponent).first)
        let errors = EntityValidator.validate(entity)
        #expect(fieldRules(errors) == ["metadata.name pattern", "metadata.tags[1] pattern"])
        #expect(errors[0].message.contains(#"metadata.name "invalid component" is not valid"#))
        #expect(errors[1].message.contains(#"metadata.tags[1] "go 1.15.3" is not valid"#))
        // Relations are derived all the same (validation decides whether the entity is stored).
        #expect(relationStrings(RelationDerivation.derive(from: entity)) == [
            "component:default/invalid component ownedBy user:default/guest",
            "user:default/guest ownerOf component:default/invalid component",
            "component:default/invalid component partOf system:default/audio-playback",
            "system:default/audio-playback hasPart component:default/invalid component",
        ])
    }

    @Test(arguments: [
        Fixtures.differentNamespace, Fixtures.acmeTeamA, Fixtures.acmeOrg, Fixtures.petstoreComponent,
        Fixtures.petstoreAPI, Fixtures.artistsDomain, Fixtures.podcastSystem, Fixtures.artistsDB,
    ])
    func validFixturesPass(text: String) throws {
        let entities = try Fixtures.entities(text)
        #expect(!entities.isEmpty)
        for entity in entities {
            #expect(EntityValidator.validate(entity).isEmpty, "\(entity.ref)")
            // The JSON form survives a round trip.
            #expect(try Entity(json: entity.json) == entity)
        }
    }

    @Test func differentNamespaceOwnerKeepsItsNamespace() throws {
        let entity = try #require(try Fixtures.entities(Fixtures.differentNamespace).first)
        #expect(entity.ref.description == "component:alternative/different-namespace")
        #expect(relationStrings(RelationDerivation.derive(from: entity)) == [
            "component:alternative/different-namespace ownedBy group:default/team-a",
            "group:default/team-a ownerOf component:alternative/different-namespace",
        ])
    }

    @Test func acmeTeamARelations() throws {
        let entities = try Fixtures.entities(Fixtures.acmeTeamA)
        #expect(entities.map(\.ref.description) == [
            "group:default/team-a", "user:default/breanna.davison", "user:default/janelle.dawe",
            "user:default/nigel.manning", "user:default/guest", "user:development/guest",
        ])
        let relations = Set(entities.flatMap { relationStrings(RelationDerivation.derive(from: $0)) })
        #expect(relations == [
            "group:default/team-a childOf group:default/backstage",
            "group:default/backstage parentOf group:default/team-a",
            "user:default/breanna.davison memberOf group:default/team-a",
            "group:default/team-a hasMember user:default/breanna.davison",
            "user:default/janelle.dawe memberOf group:default/team-a",
            "group:default/team-a hasMember user:default/janelle.dawe",
            "user:default/nigel.manning memberOf group:default/team-a",
            "group:default/team-a hasMember user:default/nigel.manning",
            "user:default/guest memberOf group:default/team-a",
            "group:default/team-a hasMember user:default/guest",
            "user:development/guest memberOf group:default/team-a",
            "group:default/team-a hasMember user:development/guest",
        ])
    }

    @Test func acmeOrgRelations() throws {
        let entities = try Fixtures.entities(Fixtures.acmeOrg)
        #expect(relationStrings(RelationDerivation.derive(from: entities[0])) == [
            "group:default/acme-corp parentOf group:default/infrastructure",
            "group:default/infrastructure childOf group:default/acme-corp",
        ])
        #expect(RelationDerivation.derive(from: entities[1]).isEmpty)
    }

    @Test func petstoreRelations() throws {
        let component = try #require(try Fixtures.entities(Fixtures.petstoreComponent).first)
        #expect(relationStrings(RelationDerivation.derive(from: component)) == [
            "component:default/petstore ownedBy group:default/team-c",
            "group:default/team-c ownerOf component:default/petstore",
            "component:default/petstore providesApi api:default/petstore",
            "api:default/petstore apiProvidedBy component:default/petstore",
            "component:default/petstore providesApi api:default/streetlights",
            "api:default/streetlights apiProvidedBy component:default/petstore",
            "component:default/petstore providesApi api:default/hello-world",
            "api:default/hello-world apiProvidedBy component:default/petstore",
        ])
        let api = try #require(try Fixtures.entities(Fixtures.petstoreAPI).first)
        #expect(relationStrings(RelationDerivation.derive(from: api)) == [
            "api:default/petstore ownedBy group:default/team-c", "group:default/team-c ownerOf api:default/petstore",
        ])
    }

    @Test func domainSystemResourceRelations() throws {
        let domain = try #require(try Fixtures.entities(Fixtures.artistsDomain).first)
        #expect(relationStrings(RelationDerivation.derive(from: domain)) == [
            "domain:default/artists ownedBy group:default/team-a", "group:default/team-a ownerOf domain:default/artists",
            "domain:default/artists partOf domain:default/audio", "domain:default/audio hasPart domain:default/artists",
        ])
        let system = try #require(try Fixtures.entities(Fixtures.podcastSystem).first)
        #expect(relationStrings(RelationDerivation.derive(from: system)) == [
            "system:default/podcast ownedBy group:default/team-b", "group:default/team-b ownerOf system:default/podcast",
            "system:default/podcast partOf domain:default/playback",
            "domain:default/playback hasPart system:default/podcast",
        ])
        let resource = try #require(try Fixtures.entities(Fixtures.artistsDB).first)
        #expect(relationStrings(RelationDerivation.derive(from: resource)) == [
            "resource:default/artists-db ownedBy group:default/team-a",
            "group:default/team-a ownerOf resource:default/artists-db",
            "resource:default/artists-db partOf system:default/artist-engagement-portal",
            "system:default/artist-engagement-portal hasPart resource:default/artists-db",
        ])
    }
}
