import CatalogModel
import Testing

/// The predicates behind the envelope rules, with Backstage's own test tables
/// (`KubernetesValidatorFunctions.test.ts`) plus more edge cases.
@Suite("Field formats")
struct FieldFormatTests {
    static let subdomain253 = longSubdomain(lastLabel: 61)
    static let subdomain254 = longSubdomain(lastLabel: 62)

    @Test(arguments: [
        ("", false), ("a", true), ("AZ09", true), (repeated("a", 63), true), (repeated("a", 64), false),
        ("a-b", false), ("a_b", false), ("a.b", false), ("a/a", true), ("a/aAb5C", true), ("a-b.c/v1", true),
        ("a--b.c/v1", false), (subdomain253 + "/v1", true), (subdomain254 + "/v1", false),
        ("a/" + repeated("a", 63), true), ("a/" + repeated("a", 64), false),
        ("backstage.io/v1alpha1", true), ("backstage.io/v1beta1", true), ("scaffolder.backstage.io/v1beta3", true),
        ("v1", true), ("/v1", false), ("a/", false), ("/", false), ("a/b/c", false), ("Backstage.io/v1", false),
        ("backstage.io/v1-alpha", false), ("backstage..io/v1", false), (".io/v1", false), ("-a.io/v1", false),
        ("a-.io/v1", false), ("a#b", false), ("v1 ", false), ("ä", false), ("backstage.io/välpha", false),
    ])
    func apiVersion(value: String, valid: Bool) {
        #expect(EntityValidator.isValidApiVersion(value) == valid)
    }

    @Test(arguments: [
        ("", false), ("a", true), ("AZ09", true), ("9AZ", false), (repeated("a", 63), true),
        (repeated("a", 64), false), ("a-b", false), ("Component", true), ("API", true), ("x1", true),
        ("a_b", false), ("a.b", false), (" a", false), ("a ", false), ("é", false), ("Kind/x", false),
    ])
    func kind(value: String, valid: Bool) {
        #expect(EntityValidator.isValidKind(value) == valid)
    }

    @Test(arguments: [
        ("", false), ("a", true), ("AZ09", true), (repeated("a", 63), true), (repeated("a", 64), false),
        ("a/b", false), ("a-b", true), ("-a-b", false), ("a-b-", false), ("a--b", true), ("a_b", true),
        ("a.b", true), ("a..b", true), ("_a", false), ("a_", false), (".a", false), ("a.", false),
        ("invalid component", false), ("artist-lookup", true), ("breanna.davison", true), ("LoremService", true),
        ("1", true), ("é", false), ("aé", false), ("a:b", false), ("a b", false), ("a\n", false),
        ("a" + repeated("-", 61) + "b", true), ("a" + repeated("-", 62) + "b", false),
    ])
    func entityName(value: String, valid: Bool) {
        #expect(EntityValidator.isValidEntityName(value) == valid)
    }

    @Test(arguments: [
        ("", false), ("a", true), ("AZ09", false), (repeated("a", 63), true), (repeated("a", 64), false),
        ("a/b", false), ("a-b", true), ("-a-b", false), ("a-b-", false), ("a--b", false), ("a_b", false),
        ("a.b", false), ("default", true), ("Default", false), ("team-1", true), ("1", true), ("-", false),
        ("a-b-c-d", true), ("ä", false),
    ])
    func namespace(value: String, valid: Bool) {
        #expect(EntityValidator.isValidNamespace(value) == valid)
        #expect(EntityValidator.isValidDnsLabel(value) == valid)
    }

    @Test(arguments: [
        ("", false), ("a", true), ("AZ09", true), (repeated("a", 63), true), (repeated("a", 64), false),
        ("a/b", true), ("a-b", true), ("-a-b", false), ("a-b-", false), ("a--b", true), ("a_b", true),
        ("a.b", true), ("a..b", true), ("a/a", true), ("a-b.c/a", true), ("a--b.c/a", false),
        (subdomain253 + "/a", true), (subdomain254 + "/a", false), ("a/" + repeated("a", 63), true),
        ("a/" + repeated("a", 64), false), ("backstage.io/custom", true), ("a/b/c", false), ("/a", false),
        ("a/", false), ("A.io/a", false), ("a#b", false), ("goVersion", true), ("a/-b", false),
    ])
    func labelKey(value: String, valid: Bool) {
        #expect(EntityValidator.isValidLabelKey(value) == valid)
    }

    @Test(arguments: [
        ("", true), ("a", true), ("AZ09", true), (repeated("a", 63), true), (repeated("a", 64), false),
        ("a/b", false), ("a-b", true), ("-a-b", false), ("a-b-", false), ("a--b", true), ("a_b", true),
        ("a.b", true), ("a..b", true), ("ValueStuff", true), ("go1.15.3", true), ("a#b", false), (" ", false),
        ("Random value Generator", false),
    ])
    func labelValue(value: String, valid: Bool) {
        #expect(EntityValidator.isValidLabelValue(value) == valid)
    }

    @Test(arguments: [
        ("", false), ("a", true), ("AZ09", true), (repeated("a", 63), true), (repeated("a", 64), false),
        ("a/b", true), ("a-b", true), ("-a-b", false), ("a-b-", false), ("a--b", true), ("a_b", true),
        ("a.b", true), ("a..b", true), ("a/a", true), ("a-b.c/a", true), ("a--b.c/a", false),
        (subdomain253 + "/a", true), (subdomain254 + "/a", false), ("a/" + repeated("a", 63), true),
        ("a/" + repeated("a", 64), false), ("backstage.io/managed-by-location", true),
        ("backstage.io/managed-by-origin-location", true), ("github.com/project-slug", true),
        ("backstage.io/techdocs-ref", true), ("example.com/bindings", true), ("a/b/c", false), ("a b", false),
    ])
    func annotationKey(value: String, valid: Bool) {
        #expect(EntityValidator.isValidAnnotationKey(value) == valid)
    }

    @Test(arguments: [
        ("", false), ("a", true), (repeated("a", 63), true), (repeated("a", 64), false), ("java", true),
        ("data-service", true), ("c++", true), ("c#", true), ("k8s:prod", true), ("+#:", true), ("a-+", true),
        ("1", true), ("Hello World", false), ("go 1.15.3", false), ("Java", false), ("-a", false), ("a-", false),
        ("a--b", false), ("a_b", false), ("a.b", false), ("a/b", false), ("ä", false), ("-", false),
    ])
    func tag(value: String, valid: Bool) {
        #expect(EntityValidator.isValidTag(value) == valid)
    }

    @Test(arguments: [
        ("", false), ("a", true), ("a.b", true), ("a-b.c-d", true), ("a..b", false), (".a", false), ("a.", false),
        ("A", false), ("a_b", false), (repeated("a", 63), true), (repeated("a", 64), false),
        (subdomain253, true), (subdomain254, false), ("backstage.io", true),
    ])
    func dnsSubdomain(value: String, valid: Bool) {
        #expect(EntityValidator.isValidDnsSubdomain(value) == valid)
    }
}
