/// The kinds the catalog model defines, with Backstage's `apiVersion`s and spec schemas.
///
/// Kinds are matched case-insensitively (as entity references are compared), so `component`
/// gets the Component rules too.
public enum BuiltinKind: String, CaseIterable, Sendable {
    case component = "Component"
    case api = "API"
    case resource = "Resource"
    case system = "System"
    case domain = "Domain"
    case group = "Group"
    case user = "User"
    case location = "Location"

    /// The `apiVersion`s a built-in kind may have.
    public static let apiVersions: [String] = ["backstage.io/v1alpha1", "backstage.io/v1beta1"]

    /// The built-in kind called `kind` (ignoring ASCII case), or nil for any other kind.
    public init?(kind: String) {
        if let exact = BuiltinKind(rawValue: kind) {
            self = exact
            return
        }
        for candidate in BuiltinKind.allCases where BuiltinKind.equalsIgnoringASCIICase(candidate.rawValue, kind) {
            self = candidate
            return
        }
        return nil
    }

    static func equalsIgnoringASCIICase(_ lhs: String, _ rhs: String) -> Bool {
        lhs.utf8.elementsEqual(rhs.utf8) { a, b in
            a == b || (a | 0x20 == b | 0x20 && FieldFormat.isLower(a | 0x20))
        }
    }
}

/// One field of a built-in kind's spec and the JSON shape it must have.
struct SpecFieldRule: Sendable {
    enum Shape: Sendable {
        /// A non-empty string.
        case string
        /// An array of non-empty strings (may be empty).
        case stringArray
        /// An object whose display fields, when present, are non-empty strings.
        case profile
        /// One of these strings.
        case oneOf([String])
    }

    let name: String
    let shape: Shape
    let required: Bool

    static func required(_ name: String, _ shape: Shape = .string) -> SpecFieldRule {
        SpecFieldRule(name: name, shape: shape, required: true)
    }

    static func optional(_ name: String, _ shape: Shape = .string) -> SpecFieldRule {
        SpecFieldRule(name: name, shape: shape, required: false)
    }
}

extension BuiltinKind {
    /// The spec fields this kind's schema defines (others are allowed and not checked).
    var specRules: [SpecFieldRule] {
        switch self {
        case .component: return SpecRules.component
        case .api: return SpecRules.api
        case .resource: return SpecRules.resource
        case .system: return SpecRules.system
        case .domain: return SpecRules.domain
        case .group: return SpecRules.group
        case .user: return SpecRules.user
        case .location: return SpecRules.location
        }
    }
}

enum SpecRules {
    static let component: [SpecFieldRule] = [
        .required("type"), .required("lifecycle"), .required("owner"),
        .optional("system"), .optional("subcomponentOf"),
        .optional("providesApis", .stringArray), .optional("consumesApis", .stringArray),
        .optional("dependsOn", .stringArray), .optional("dependencyOf", .stringArray),
    ]
    static let api: [SpecFieldRule] = [
        .required("type"), .required("lifecycle"), .required("owner"), .required("definition"),
        .optional("system"),
    ]
    static let resource: [SpecFieldRule] = [
        .required("type"), .required("owner"),
        .optional("dependsOn", .stringArray), .optional("dependencyOf", .stringArray), .optional("system"),
    ]
    static let system: [SpecFieldRule] = [
        .required("owner"), .optional("domain"), .optional("type"),
    ]
    static let domain: [SpecFieldRule] = [
        .required("owner"), .optional("subdomainOf"), .optional("type"),
    ]
    static let group: [SpecFieldRule] = [
        .required("type"), .optional("profile", .profile), .optional("parent"),
        .required("children", .stringArray), .optional("members", .stringArray),
    ]
    static let user: [SpecFieldRule] = [
        .optional("profile", .profile), .required("memberOf", .stringArray),
    ]
    static let location: [SpecFieldRule] = [
        .optional("type"), .optional("target"), .optional("targets", .stringArray),
        .optional("presence", .oneOf(["required", "optional"])),
    ]

    /// The profile members the Group and User schemas type as non-empty strings.
    static let profileStrings = ["displayName", "email", "picture"]
}

/// The built-in kinds' part of ``EntityValidator``.
enum BuiltinKindRules {
    static func validate(_ entity: Entity, apiVersionValid: Bool, into errors: inout [EntityValidationError]) {
        guard let kind = BuiltinKind(kind: entity.kind) else { return }  // unknown kinds: envelope only
        guard BuiltinKind.apiVersions.contains(entity.apiVersion) else {
            // A malformed apiVersion is already reported; the spec schema of another version is unknown.
            if apiVersionValid {
                errors.append(EntityValidationError(
                    field: "apiVersion", rule: "enum",
                    message: "apiVersion \(EntityValidator.quoted(entity.apiVersion)) is not valid for kind "
                        + "\(kind.rawValue); expected one of \(list(BuiltinKind.apiVersions))"))
            }
            return
        }
        guard let spec = entity.spec else {
            errors.append(EntityValidationError(
                field: "spec", rule: "required", message: "spec is required for kind \(kind.rawValue)"))
            return
        }
        for rule in kind.specRules {
            guard let value = spec[rule.name] else {
                if rule.required {
                    errors.append(EntityValidationError(
                        field: "spec.\(rule.name)", rule: "required",
                        message: "spec.\(rule.name) is required for kind \(kind.rawValue)"))
                }
                continue
            }
            check(value, field: "spec.\(rule.name)", shape: rule.shape, into: &errors)
        }
    }

    static func check(_ value: JSONValue, field: String, shape: SpecFieldRule.Shape,
                      into errors: inout [EntityValidationError]) {
        switch shape {
        case .string:
            checkString(value, field: field, into: &errors)
        case .stringArray:
            guard case .array(let items) = value else {
                errors.append(typeError(field, "an array of strings", value))
                return
            }
            for (index, item) in items.enumerated() {
                checkString(item, field: "\(field)[\(index)]", into: &errors)
            }
        case .profile:
            guard case .object(let members) = value else {
                errors.append(typeError(field, "an object", value))
                return
            }
            for name in SpecRules.profileStrings {
                if let member = members[name] {
                    checkString(member, field: "\(field).\(name)", into: &errors)
                }
            }
        case .oneOf(let allowed):
            guard case .string(let string) = value else {
                errors.append(typeError(field, "a string", value))
                return
            }
            if !allowed.contains(string) {
                errors.append(EntityValidationError(
                    field: field, rule: "enum",
                    message: "\(field) \(EntityValidator.quoted(string)) is not valid; expected one of \(list(allowed))"))
            }
        }
    }

    static func checkString(_ value: JSONValue, field: String, into errors: inout [EntityValidationError]) {
        guard case .string(let string) = value else {
            errors.append(typeError(field, "a string", value))
            return
        }
        if string.isEmpty {
            errors.append(EntityValidationError(
                field: field, rule: "minLength", message: "\(field) \"\" is not valid; expected a non empty string"))
        }
    }

    static func typeError(_ field: String, _ expected: String, _ value: JSONValue) -> EntityValidationError {
        EntityValidationError(field: field, rule: "type", message: "\(field) must be \(expected), not \(value.typeName)")
    }

    static func list(_ values: [String]) -> String {
        values.map { "\"\($0)\"" }.joined(separator: ", ")
    }
}
