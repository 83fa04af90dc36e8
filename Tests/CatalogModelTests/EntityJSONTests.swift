import CatalogModel
import Testing

@Suite("Entity JSON")
struct EntityJSONTests {
    static let full = #"""
        {
          "apiVersion": "backstage.io/v1alpha1",
          "kind": "Component",
          "metadata": {
            "name": "petstore",
            "namespace": "default",
            "uid": "e01199ab-08cc-44c2-8e19-5c29ded82521",
            "etag": "abc",
            "title": "Pet Store",
            "description": "The Petstore",
            "labels": {"backstage.io/custom": "ValueStuff"},
            "annotations": {"backstage.io/managed-by-location": "url:https://x/catalog-info.yaml"},
            "tags": ["java", "data"],
            "links": [{"url": "https://github.com/swagger-api", "title": "Repo", "icon": "github", "type": "src",
                       "extra": {"kept": true}}],
            "generation": 13,
            "custom": {"nested": [1, 2.5, "three", null, false]}
          },
          "spec": {"type": "service", "lifecycle": "experimental", "owner": "team-c",
                   "providesApis": ["petstore"], "x-unknown": {"deep": {"er": [[]]}}},
          "relations": [{"type": "ownedBy", "targetRef": "group:default/team-c"}],
          "status": {"items": [{"type": "x", "level": "info", "message": "m"}]}
        }
        """#

    @Test func roundTripKeepsUnknownMembers() throws {
        let json = try JSONParser.parse(Self.full)
        let entity = try Entity(json: json)
        #expect(entity.metadata.additional["generation"] == 13)
        #expect(entity.metadata.additional["custom"]?["nested"]?.arrayValue?.count == 5)
        #expect(entity.metadata.links?.first?.additional["extra"] == ["kept": true])
        #expect(entity.metadata.links?.first?.type == "src")
        #expect(entity.spec?["x-unknown"]?.value(atPath: "deep.er") == [[]])
        #expect(entity.relations == [EntityRelation(type: "ownedBy", targetRef: "group:default/team-c")])
        #expect(entity.status?["items"]?.arrayValue?.count == 1)
        #expect(entity.json == json)
        #expect(entity.json.canonicalBytes() == json.canonicalBytes())
        #expect(try Entity(json: entity.json) == entity)
        #expect(EntityValidator.validate(entity).isEmpty)
    }

    @Test func minimalEntityRoundTrip() throws {
        let text = #"{"apiVersion":"example.com/v1","kind":"Frob","metadata":{"name":"f"}}"#
        let entity = try decodeEntity(text)
        #expect(entity.spec == nil)
        #expect(entity.metadata.namespace == nil)
        #expect(entity.json.canonicalString() == text)
        #expect(EntityValidator.validate(entity).isEmpty)
        #expect(RelationDerivation.derive(from: entity).isEmpty)
    }

    /// The decoder's structural errors: entity text and the `field rule` of the error.
    @Test(arguments: [
        (#"[]"#, " type"),
        (#"{"apiVersion":"v1","kind":"K","metadata":{"name":"n"},"extra":1}"#, "extra noForeignRootFields"),
        (#"{"kind":"K","metadata":{"name":"n"}}"#, "apiVersion required"),
        (#"{"apiVersion":1,"kind":"K","metadata":{"name":"n"}}"#, "apiVersion type"),
        (#"{"apiVersion":"v1","metadata":{"name":"n"}}"#, "kind required"),
        (#"{"apiVersion":"v1","kind":"K"}"#, "metadata required"),
        (#"{"apiVersion":"v1","kind":"K","metadata":[]}"#, "metadata type"),
        (#"{"apiVersion":"v1","kind":"K","metadata":{}}"#, "metadata.name required"),
        (#"{"apiVersion":"v1","kind":"K","metadata":{"name":7}}"#, "metadata.name type"),
        (#"{"apiVersion":"v1","kind":"K","metadata":{"name":"n","namespace":7}}"#, "metadata.namespace type"),
        (#"{"apiVersion":"v1","kind":"K","metadata":{"name":"n","labels":[]}}"#, "metadata.labels type"),
        (#"{"apiVersion":"v1","kind":"K","metadata":{"name":"n","labels":{"a":1}}}"#, "metadata.labels.a type"),
        (#"{"apiVersion":"v1","kind":"K","metadata":{"name":"n","annotations":{"a":7}}}"#,
         "metadata.annotations.a type"),
        (#"{"apiVersion":"v1","kind":"K","metadata":{"name":"n","tags":"a"}}"#, "metadata.tags type"),
        (#"{"apiVersion":"v1","kind":"K","metadata":{"name":"n","tags":["a",1]}}"#, "metadata.tags[1] type"),
        (#"{"apiVersion":"v1","kind":"K","metadata":{"name":"n","links":[{}]}}"#, "metadata.links[0].url required"),
        (#"{"apiVersion":"v1","kind":"K","metadata":{"name":"n","links":[{"url":"u","title":123}]}}"#,
         "metadata.links[0].title type"),
        (#"{"apiVersion":"v1","kind":"K","metadata":{"name":"n","links":[{"url":"u","icon":{}}]}}"#,
         "metadata.links[0].icon type"),
        (#"{"apiVersion":"v1","kind":"K","metadata":{"name":"n"},"spec":[]}"#, "spec type"),
        (#"{"apiVersion":"v1","kind":"K","metadata":{"name":"n"},"relations":[{"type":"t"}]}"#,
         "relations[0].targetRef required"),
    ])
    func structuralErrors(text: String, expected: String) throws {
        let json = try JSONParser.parse(text)
        #expect {
            _ = try Entity(json: json)
        } throws: { error in
            guard let error = error as? EntityValidationError else { return false }
            return "\(error.field) \(error.rule)" == expected
        }
    }
}
