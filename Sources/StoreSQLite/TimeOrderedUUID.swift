import Foundation
import Synchronization

/// UUIDs of version 7 (RFC 9562): a millisecond timestamp, a 12-bit counter that keeps ids made
/// in the same millisecond in order, then 62 random bits. Entity uids and event ids are still
/// opaque UUID strings to clients; being ordered in time, they append to the end of their
/// unique indexes instead of landing at random pages, which keeps large loads and busy ingress
/// cheap.
enum TimeOrderedUUID {
    private struct Clock {
        var lastMillis: UInt64 = 0
        var counter: UInt16 = 0
    }

    private static let clock = Mutex(Clock())
    private static let hexDigits = Array("0123456789abcdef".utf8)

    /// A new lower-case UUID string, greater than every one this process made before.
    static func make(now: Date = Date()) -> String {
        let wallMillis = UInt64(max(0, now.timeIntervalSince1970 * 1000))
        let (millis, counter) = clock.withLock { clock -> (UInt64, UInt16) in
            if wallMillis > clock.lastMillis {
                clock.lastMillis = wallMillis
                clock.counter = UInt16.random(in: 0...0x3FF)
            } else if clock.counter < 0xFFF {
                clock.counter += 1
            } else {
                // 4096 ids in one millisecond: borrow the next millisecond.
                clock.lastMillis += 1
                clock.counter = 0
            }
            return (clock.lastMillis, clock.counter)
        }
        var random = SystemRandomNumberGenerator()
        let tail: UInt64 = random.next()
        var bytes = [UInt8](repeating: 0, count: 16)
        for index in 0..<6 { bytes[index] = UInt8(truncatingIfNeeded: millis >> (8 * (5 - index))) }
        bytes[6] = 0x70 | UInt8(counter >> 8)
        bytes[7] = UInt8(truncatingIfNeeded: counter)
        bytes[8] = 0x80 | (UInt8(truncatingIfNeeded: tail >> 56) & 0x3F)
        for index in 9..<16 { bytes[index] = UInt8(truncatingIfNeeded: tail >> (8 * (15 - index))) }
        var text = [UInt8]()
        text.reserveCapacity(36)
        for (index, byte) in bytes.enumerated() {
            if index == 4 || index == 6 || index == 8 || index == 10 { text.append(UInt8(ascii: "-")) }
            text.append(hexDigits[Int(byte >> 4)])
            text.append(hexDigits[Int(byte & 0x0F)])
        }
        return String(decoding: text, as: UTF8.self)
    }
}
