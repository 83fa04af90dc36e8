@testable import CallboardServer
import CatalogModel
import Events
import Logging
import Synchronization
import Testing

/// The JSON log format: one object per line with the fixed members and the metadata.
@Suite struct JSONLogHandlerTests {
    final class Lines: Sendable {
        let values = Mutex<[String]>([])
        func append(_ bytes: [UInt8]) { values.withLock { $0.append(String(decoding: bytes, as: UTF8.self)) } }
    }

    @Test func writesOneObjectPerLineWithMetadata() throws {
        let lines = Lines()
        var logger = Logger(label: "test") { label in
            JSONLogHandler(label: label, level: .info, metadataProvider: DeliveryLogContext.metadataProvider,
                           write: lines.append)
        }
        logger[metadataKey: "request.id"] = "r-1"
        logger.debug("hidden")
        DeliveryLogContext.$current.withValue(
            DeliveryLogContext(eventID: "e-1", topic: "frobs.add", subscriberID: "frobs-demo")
        ) {
            logger.info("Applied \"quoted\"\nmessage", metadata: [
                "message": "clash", "tags": ["a", "b"], "nested": ["k": "v"],
            ])
        }
        let written = lines.values.withLock { $0 }
        #expect(written.count == 1)
        let line = try #require(written.first)
        #expect(line.hasSuffix("\n"))
        #expect(line.dropLast().contains("\n") == false)
        let object = try JSONParser.parse(Array(line.utf8))
        #expect(object["level"] == "info")
        #expect(object["logger"] == "test")
        #expect(object["message"] == "Applied \"quoted\"\nmessage")
        #expect(object["metadata.message"] == "clash")
        #expect(object["request.id"] == "r-1")
        #expect(object["event.id"] == "e-1")
        #expect(object["subscriber.id"] == "frobs-demo")
        #expect(object["tags"] == ["a", "b"])
        #expect(object["nested"]?["k"] == "v")
        #expect(object["time"]?.stringValue?.hasSuffix("Z") == true)
    }
}
