import ArgumentParser
import CallboardConfig
import Catalog
import Foundation

/// `callboard validate FILE...`: checks entity files (YAML, multi-document, or JSON).
struct Validate: AsyncParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Validate entity files (YAML or JSON).")

    @Argument(help: "Entity files; YAML may hold several documents.")
    var files: [String]

    func run() async throws {
        let preparer = EntityPreparer()
        var problems = 0
        var checked = 0
        for file in files {
            let documents: [JSONValue]
            do {
                guard let text = try? String(contentsOfFile: file, encoding: .utf8) else {
                    print("\(file): cannot read the file")
                    problems += 1
                    continue
                }
                documents = try ConfigYAML.parseDocuments(text, file: file)
            } catch {
                print("\(file): \(error)")
                problems += 1
                continue
            }
            for (index, document) in documents.enumerated() {
                if document.isNull { continue }
                checked += 1
                let place = "\(file): document \(index + 1)"
                do {
                    let entity = try Entity(json: document)
                    if case .failure(let rejection) = preparer.prepare(DeferredEntity(entity: entity), providerName: "validate") {
                        for message in rejection.errors {
                            print("\(place) (\(entity.ref)): \(message)")
                            problems += 1
                        }
                    }
                } catch {
                    print("\(place): \(error.message)")
                    problems += 1
                }
            }
        }
        if problems > 0 {
            throw ExitCode(1)
        }
        print("\(checked) entities valid")
    }
}
