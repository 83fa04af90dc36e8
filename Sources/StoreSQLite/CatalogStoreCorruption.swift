/// A stored entity whose served JSON and recorded offsets disagree (the database was changed
/// outside Callboard): the write that met it rolls back instead of storing a broken entity.
struct CatalogStoreCorruption: Error, CustomStringConvertible {
    var ref: String
    var description: String {
        "the stored entity \(ref) is inconsistent: its served JSON does not match its recorded layout"
    }
}
