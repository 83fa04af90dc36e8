/// Backstage's entity validation rules: envelope field formats and the built-in kinds' spec.
public enum EntityValidator {
    /// Every rule the entity breaks, in field order; empty when the entity is valid.
    ///
    /// Field order: `apiVersion`, `kind`, `metadata.name`, `metadata.namespace`, labels and
    /// annotations (by key), tags, links, then the built-in kind's rules (`apiVersion` for the
    /// kind, `spec` fields). Kinds other than the built-in ones get the envelope rules only.
    public static func validate(_ entity: Entity) -> [EntityValidationError] {
        var errors: [EntityValidationError] = []
        let apiVersionValid = check(entity.apiVersion, field: "apiVersion", rule: .apiVersion, into: &errors)
        check(entity.kind, field: "kind", rule: .kind, into: &errors)
        validateMetadata(entity.metadata, into: &errors)
        BuiltinKindRules.validate(entity, apiVersionValid: apiVersionValid, into: &errors)
        return errors
    }

    static func validateMetadata(_ metadata: EntityMetadata, into errors: inout [EntityValidationError]) {
        check(metadata.name, field: "metadata.name", rule: .entityName, into: &errors)
        if let namespace = metadata.namespace {
            check(namespace, field: "metadata.namespace", rule: .namespace, into: &errors)
        }
        // The sorted passes (for a stable error order) run only when something is wrong.
        if let labels = metadata.labels,
            labels.contains(where: { !isValidLabelKey($0.key) || !isValidLabelValue($0.value) })
        {
            for key in sortedKeys(labels) {
                check(key, field: "metadata.labels.\(key)", rule: .labelKey, shown: "metadata.labels key", into: &errors)
                check(labels[key]!, field: "metadata.labels.\(key)", rule: .labelValue, into: &errors)
            }
        }
        // Annotation values may be any string; the decoder already made sure they are strings.
        if let annotations = metadata.annotations, annotations.keys.contains(where: { !isValidAnnotationKey($0) }) {
            for key in sortedKeys(annotations) {
                check(key, field: "metadata.annotations.\(key)", rule: .annotationKey,
                      shown: "metadata.annotations key", into: &errors)
            }
        }
        if let tags = metadata.tags {
            for (index, tag) in tags.enumerated() {
                check(tag, field: "metadata.tags[\(index)]", rule: .tag, into: &errors)
            }
        }
        if let links = metadata.links {
            // title, icon and type are only required to be strings, which decoding guarantees.
            for (index, link) in links.enumerated() where isBlank(link.url) {
                let field = "metadata.links[\(index)].url"
                errors.append(EntityValidationError(
                    field: field, rule: "minLength",
                    message: "\(field) \(quoted(link.url)) is not valid; expected a non empty string"))
            }
        }
    }

    static func sortedKeys(_ map: [String: String]) -> [String] {
        map.keys.sorted { $0.utf8.lexicographicallyPrecedes($1.utf8) }
    }

    static func isBlank(_ value: String) -> Bool {
        value.utf8.allSatisfy { $0 == 0x20 || $0 == 0x09 || $0 == 0x0A || $0 == 0x0D }
    }

    /// Checks `value` against `rule`, appending a `length` or `pattern` error when it fails.
    /// - Parameter shown: how the message names the value (defaults to `field`).
    /// - Returns: whether the value passed.
    @discardableResult
    static func check(
        _ value: String, field: @autoclosure () -> String, rule: FormatRule, shown: String? = nil,
        into errors: inout [EntityValidationError]
    ) -> Bool {
        let valid = FieldFormat.withBytes(value) { rule.test($0, true) }
        guard !valid else { return true }
        // Empty (below the one-character minimum) or only too long: a length error.
        let validIgnoringLength = value.isEmpty || FieldFormat.withBytes(value) { rule.test($0, false) }
        let field = field()
        errors.append(EntityValidationError(
            field: field, rule: validIgnoringLength ? "length" : "pattern",
            message: "\(shown ?? field) \(quoted(value)) is not valid; expected \(rule.expectation)"))
        return false
    }

    /// The value in double quotes for a message, cut to 100 characters so hostile input cannot
    /// blow up the error.
    static func quoted(_ value: String) -> String {
        let limit = 100
        if value.utf8.count <= limit { return "\"\(value)\"" }
        return "\"\(value.prefix(limit))…\""
    }
}

/// A field format: its predicate and the expectation its error message states.
struct FormatRule: Sendable {
    /// The predicate over the value's bytes; the flag says whether length maxima apply.
    let test: @Sendable (FieldFormat.Bytes, Bool) -> Bool
    let expectation: String

    static let nameExpectation =
        "a string that is sequences of [a-zA-Z0-9] separated by any of [-_.], at most 63 characters in total"
    static let prefixExpectation =
        "a valid prefix and/or suffix: an optional DNS subdomain (sequences of [a-z0-9] separated by [-] and [.], "
        + "at most 253 characters in total) followed by a '/', then "

    static let entityName = FormatRule(
        test: { FieldFormat.objectName($0, 0, $0.count, limits: $1) },
        expectation: nameExpectation)

    static let namespace = FormatRule(
        test: { FieldFormat.dnsLabel($0, 0, $0.count, limits: $1) },
        expectation: "a string that is sequences of [a-z0-9] separated by [-], at most 63 characters in total")

    static let kind = FormatRule(
        test: { FieldFormat.kind($0, 0, $0.count, limits: $1) },
        expectation: "a string that is a sequence of [a-zA-Z][a-z0-9A-Z], at most 63 characters in total")

    static let apiVersion = FormatRule(
        test: { FieldFormat.apiVersion($0, limits: $1) },
        expectation: prefixExpectation + "a string of [a-zA-Z0-9], at most 63 characters in total")

    static let labelKey = FormatRule(
        test: { FieldFormat.prefixedName($0, limits: $1) },
        expectation: prefixExpectation + nameExpectation)

    static let annotationKey = labelKey

    static let labelValue = FormatRule(
        test: { $0.isEmpty || FieldFormat.objectName($0, 0, $0.count, limits: $1) },
        expectation: "an empty string or " + nameExpectation)

    static let tag = FormatRule(
        test: { FieldFormat.tag($0, 0, $0.count, limits: $1) },
        expectation: "a string that is sequences of [a-z0-9:+#] separated by [-], at most 63 characters in total")
}
