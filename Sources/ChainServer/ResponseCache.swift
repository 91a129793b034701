import ChainProjections
import Foundation
import NIOCore

/// Answers that never change once computed, bounded by an estimate of the memory they take:
/// when the bound is passed, the oldest are dropped first.
package final class AnswerCache<Key: Hashable, Value>: @unchecked Sendable {
    private let lock = NSLock()
    private var entries: [Key: Value] = [:]
    private var order: [Key] = []
    private var used = 0
    /// At most this much (as measured by `cost`) is kept.
    let capacity: Int
    private let cost: (Value) -> Int

    init(capacity: Int, cost: @escaping (Value) -> Int) {
        self.capacity = capacity
        self.cost = cost
    }

    subscript(key: Key) -> Value? {
        get { lock.withLock { entries[key] } }
        set {
            guard let newValue, cost(newValue) <= capacity else { return }
            lock.withLock {
                guard entries[key] == nil else { return }
                entries[key] = newValue
                order.append(key)
                used += cost(newValue)
                var dropped = 0
                while used > capacity, dropped < order.count {
                    if let evicted = entries.removeValue(forKey: order[dropped]) { used -= cost(evicted) }
                    dropped += 1
                }
                if dropped > 0 { order.removeFirst(dropped) }
            }
        }
    }

    package var count: Int { lock.withLock { entries.count } }
}

/// Encoded read-model answers, by the moment they answer for. The log only grows, so an answer
/// about a resolved moment never changes.
typealias ResponseCache = AnswerCache<ResponseKey, ByteBuffer>

extension AnswerCache where Key == ResponseKey, Value == ByteBuffer {
    convenience init(capacity: Int = 64 << 20) {
        self.init(capacity: capacity, cost: \.readableBytes)
    }
}

struct ResponseKey: Hashable, CustomStringConvertible {
    let path: String
    let chain: String?
    let moment: Moment

    var description: String { "\(path)|\(chain ?? "")|\(moment.size)|\(moment.day)|\(moment.recordedAt ?? "")" }
}

/// KPI trees by chain and revision (`ReadModels.kpiTreeRevision`): a tree computed for one
/// moment serves every later moment until something it shows changes.
package typealias KpiTreeCache = AnswerCache<KpiTreeKey, KpiTree>

package struct KpiTreeKey: Hashable {
    package let chain: String
    package let revision: UInt64
}

extension AnswerCache where Key == KpiTreeKey, Value == KpiTree {
    /// Bounded by a rough size: a KPI's state takes about half a kilobyte.
    convenience init(capacity: Int = 16 << 20) {
        self.init(capacity: capacity, cost: { 256 + 512 * $0.kpis.count })
    }
}
