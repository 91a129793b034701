import ChainProjections
import Foundation
import NIOCore

/// Encoded read-model answers, by the moment they answer for. The log only grows, so an answer
/// about a resolved moment never changes: entries are dropped only to bound memory (oldest first).
final class ResponseCache: @unchecked Sendable {
    struct Key: Hashable, CustomStringConvertible {
        let path: String
        let chain: String?
        let moment: Moment

        var description: String { "\(path)|\(chain ?? "")|\(moment.size)|\(moment.day)|\(moment.recordedAt ?? "")" }
    }

    private let lock = NSLock()
    private var entries: [Key: ByteBuffer] = [:]
    private var order: [Key] = []
    private var bytes = 0
    /// At most this many bytes of answers are kept.
    let capacity: Int

    init(capacity: Int = 64 << 20) {
        self.capacity = capacity
    }

    subscript(key: Key) -> ByteBuffer? {
        get { lock.withLock { entries[key] } }
        set {
            guard let newValue, newValue.readableBytes <= capacity else { return }
            lock.withLock {
                guard entries[key] == nil else { return }
                entries[key] = newValue
                order.append(key)
                bytes += newValue.readableBytes
                var dropped = 0
                while bytes > capacity, dropped < order.count {
                    if let evicted = entries.removeValue(forKey: order[dropped]) { bytes -= evicted.readableBytes }
                    dropped += 1
                }
                if dropped > 0 { order.removeFirst(dropped) }
            }
        }
    }

    var count: Int { lock.withLock { entries.count } }
}
