/// Backstage's field-format predicates (`KubernetesValidatorFunctions`, `CommonValidatorFunctions`
/// and `makeValidator`'s `isValidTag`), hand-written over UTF-8 bytes.
///
/// Every character these rules accept is ASCII, so a byte count equals JavaScript's `length`
/// whenever a value can pass; any non-ASCII byte fails the character rules.
extension EntityValidator {
    /// `metadata.name`: 1–63 characters, `^([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]$`.
    public static func isValidEntityName(_ value: String) -> Bool {
        FieldFormat.withBytes(value) { FieldFormat.objectName($0, 0, $0.count, limits: true) }
    }

    /// `metadata.namespace`: a DNS label, 1–63 characters, `^[a-z0-9]+(-[a-z0-9]+)*$`.
    public static func isValidNamespace(_ value: String) -> Bool {
        isValidDnsLabel(value)
    }

    /// `kind`: 1–63 characters, `^[a-zA-Z][a-z0-9A-Z]*$`.
    public static func isValidKind(_ value: String) -> Bool {
        FieldFormat.withBytes(value) { FieldFormat.kind($0, 0, $0.count, limits: true) }
    }

    /// `apiVersion`: an optional DNS-subdomain prefix and `/`, then 1–63 characters of `[a-zA-Z0-9]`.
    public static func isValidApiVersion(_ value: String) -> Bool {
        FieldFormat.withBytes(value) { FieldFormat.apiVersion($0, limits: true) }
    }

    /// A `metadata.labels` key: an optional DNS-subdomain prefix and `/`, then an entity name.
    public static func isValidLabelKey(_ value: String) -> Bool {
        FieldFormat.withBytes(value) { FieldFormat.prefixedName($0, limits: true) }
    }

    /// A `metadata.labels` value: empty, or an entity name.
    public static func isValidLabelValue(_ value: String) -> Bool {
        value.isEmpty || isValidEntityName(value)
    }

    /// A `metadata.annotations` key: an optional DNS-subdomain prefix and `/`, then an entity name.
    public static func isValidAnnotationKey(_ value: String) -> Bool {
        isValidLabelKey(value)
    }

    /// A `metadata.tags` item: 1–63 characters, `^[a-z0-9:+#]+(-[a-z0-9:+#]+)*$`.
    public static func isValidTag(_ value: String) -> Bool {
        FieldFormat.withBytes(value) { FieldFormat.tag($0, 0, $0.count, limits: true) }
    }

    /// A DNS label (RFC 1123): 1–63 characters, `^[a-z0-9]+(-[a-z0-9]+)*$`.
    public static func isValidDnsLabel(_ value: String) -> Bool {
        FieldFormat.withBytes(value) { FieldFormat.dnsLabel($0, 0, $0.count, limits: true) }
    }

    /// A DNS subdomain (RFC 1123): at most 253 characters of dot-separated DNS labels.
    public static func isValidDnsSubdomain(_ value: String) -> Bool {
        FieldFormat.withBytes(value) { FieldFormat.dnsSubdomain($0, 0, $0.count, limits: true) }
    }
}

/// The byte-level checks behind ``EntityValidator``'s predicates.
///
/// Each check takes `limits`: with `false` the length maxima are lifted (the minimum of one
/// character stays), which lets the validator tell a value that is only too long (`length`) from
/// one with wrong characters (`pattern`).
enum FieldFormat {
    typealias Bytes = UnsafeBufferPointer<UInt8>

    static let hyphen = UInt8(ascii: "-")
    static let slash = UInt8(ascii: "/")
    static let dot = UInt8(ascii: ".")

    /// Runs `body` over the UTF-8 bytes of `value`, copying only when the string is not contiguous.
    @inline(__always)
    static func withBytes<R>(_ value: String, _ body: (Bytes) -> R) -> R {
        if let result = value.utf8.withContiguousStorageIfAvailable(body) { return result }
        let copy = Array(value.utf8)
        return copy.withUnsafeBufferPointer(body)
    }

    @inline(__always)
    static func lengthOK(_ count: Int, max: Int, limits: Bool) -> Bool {
        count >= 1 && (!limits || count <= max)
    }

    @inline(__always)
    static func isDigit(_ byte: UInt8) -> Bool { byte &- 0x30 < 10 }

    @inline(__always)
    static func isLower(_ byte: UInt8) -> Bool { byte &- 0x61 < 26 }

    @inline(__always)
    static func isUpper(_ byte: UInt8) -> Bool { byte &- 0x41 < 26 }

    @inline(__always)
    static func isAlpha(_ byte: UInt8) -> Bool { isLower(byte) || isUpper(byte) }

    @inline(__always)
    static func isAlnum(_ byte: UInt8) -> Bool { isDigit(byte) || isAlpha(byte) }

    @inline(__always)
    static func isLowerAlnum(_ byte: UInt8) -> Bool { isDigit(byte) || isLower(byte) }

    @inline(__always)
    static func isTagChar(_ byte: UInt8) -> Bool {
        isLowerAlnum(byte) || byte == UInt8(ascii: ":") || byte == UInt8(ascii: "+") || byte == UInt8(ascii: "#")
    }

    /// `^([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]$`, 1–63 characters.
    static func objectName(_ bytes: Bytes, _ start: Int, _ end: Int, limits: Bool) -> Bool {
        guard lengthOK(end - start, max: 63, limits: limits) else { return false }
        guard isAlnum(bytes[start]), isAlnum(bytes[end - 1]) else { return false }
        for index in start..<end {
            let byte = bytes[index]
            guard isAlnum(byte) || byte == hyphen || byte == UInt8(ascii: "_") || byte == dot else { return false }
        }
        return true
    }

    /// `^[a-zA-Z][a-z0-9A-Z]*$`, 1–63 characters.
    static func kind(_ bytes: Bytes, _ start: Int, _ end: Int, limits: Bool) -> Bool {
        guard lengthOK(end - start, max: 63, limits: limits), isAlpha(bytes[start]) else { return false }
        for index in (start + 1)..<end where !isAlnum(bytes[index]) { return false }
        return true
    }

    /// `^[a-z0-9A-Z]+$`, 1–63 characters: the version part of an apiVersion.
    static func alphanumeric(_ bytes: Bytes, _ start: Int, _ end: Int, limits: Bool) -> Bool {
        guard lengthOK(end - start, max: 63, limits: limits) else { return false }
        for index in start..<end where !isAlnum(bytes[index]) { return false }
        return true
    }

    /// Sequences of `allowed` bytes separated by single hyphens: `^[x]+(-[x]+)*$`.
    @inline(__always)
    static func hyphenated(_ bytes: Bytes, _ start: Int, _ end: Int, allowed: (UInt8) -> Bool) -> Bool {
        guard end > start, bytes[start] != hyphen, bytes[end - 1] != hyphen else { return false }
        var previousWasHyphen = false
        for index in start..<end {
            let byte = bytes[index]
            if byte == hyphen {
                if previousWasHyphen { return false }
                previousWasHyphen = true
            } else if allowed(byte) {
                previousWasHyphen = false
            } else {
                return false
            }
        }
        return true
    }

    /// `^[a-z0-9]+(-[a-z0-9]+)*$`, 1–63 characters.
    static func dnsLabel(_ bytes: Bytes, _ start: Int, _ end: Int, limits: Bool) -> Bool {
        lengthOK(end - start, max: 63, limits: limits) && hyphenated(bytes, start, end, allowed: isLowerAlnum)
    }

    /// `^[a-z0-9:+#]+(-[a-z0-9:+#]+)*$`, 1–63 characters.
    static func tag(_ bytes: Bytes, _ start: Int, _ end: Int, limits: Bool) -> Bool {
        lengthOK(end - start, max: 63, limits: limits) && hyphenated(bytes, start, end, allowed: isTagChar)
    }

    /// At most 253 characters, every dot-separated part a DNS label.
    static func dnsSubdomain(_ bytes: Bytes, _ start: Int, _ end: Int, limits: Bool) -> Bool {
        guard lengthOK(end - start, max: 253, limits: limits) else { return false }
        var labelStart = start
        for index in start...end where index == end || bytes[index] == dot {
            guard dnsLabel(bytes, labelStart, index, limits: limits) else { return false }
            labelStart = index + 1
        }
        return true
    }

    /// Backstage's `isValidPrefixAndOrSuffix(value, '/', isValidDnsSubdomain, suffix)`: the whole
    /// value is the suffix, or a prefix, one `/` and a suffix; more slashes are invalid.
    @inline(__always)
    static func prefixAndOrSuffix(
        _ bytes: Bytes, limits: Bool, suffix: (Bytes, Int, Int, Bool) -> Bool
    ) -> Bool {
        var slashIndex: Int?
        for index in 0..<bytes.count where bytes[index] == slash {
            if slashIndex != nil { return false }
            slashIndex = index
        }
        guard let slashIndex else { return suffix(bytes, 0, bytes.count, limits) }
        return dnsSubdomain(bytes, 0, slashIndex, limits: limits)
            && suffix(bytes, slashIndex + 1, bytes.count, limits)
    }

    static func apiVersion(_ bytes: Bytes, limits: Bool) -> Bool {
        prefixAndOrSuffix(bytes, limits: limits) { alphanumeric($0, $1, $2, limits: $3) }
    }

    static func prefixedName(_ bytes: Bytes, limits: Bool) -> Bool {
        prefixAndOrSuffix(bytes, limits: limits) { objectName($0, $1, $2, limits: $3) }
    }
}
