/// SQL `LIKE` patterns for full-text search, with `\` as the escape character.
public enum LikePattern {
    /// Matches any text containing `term` literally (`%` and `_` in it are not wildcards).
    public static func containing(_ term: String) -> String {
        var escaped = "%"
        for character in term {
            if character == "%" || character == "_" || character == "\\" { escaped.append("\\") }
            escaped.append(character)
        }
        return escaped + "%"
    }
}
