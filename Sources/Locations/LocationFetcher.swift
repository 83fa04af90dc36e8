import Foundation
import UrlReader

/// Reads the bytes of one location file: URLs through the URL reader, files from disk.
public struct LocationFetcher: Sendable {
    /// The largest file read from disk, as the URL reader caps what it reads.
    public static let maxFileBytes = 5 * 1024 * 1024

    let reader: any UrlReaderService

    public init(reader: any UrlReaderService) {
        self.reader = reader
    }

    func read(kind: CatalogLocation.Kind, target: String) async throws(LocationReadError) -> [UInt8] {
        let key = "\(kind.rawValue):\(target)"
        switch kind {
        case .url:
            do {
                return try await reader.readUrl(target).bytes
            } catch {
                throw LocationReadError(reading: key, error)
            }
        case .file:
            let manager = FileManager.default
            var isDirectory: ObjCBool = false
            guard manager.fileExists(atPath: target, isDirectory: &isDirectory), !isDirectory.boolValue else {
                throw LocationReadError(.notFound, "\(key) was not found")
            }
            if let size = (try? manager.attributesOfItem(atPath: target))?[.size] as? Int, size > Self.maxFileBytes {
                throw LocationReadError(.invalid, "\(key) is larger than \(Self.maxFileBytes) bytes")
            }
            guard let data = manager.contents(atPath: target) else {
                throw LocationReadError(.failed, "\(key) could not be read")
            }
            return Array(data)
        }
    }
}
