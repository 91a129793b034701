package import ChainProjections
import Foundation
import NIOConcurrencyHelpers
package import NIOCore

/// Answers that never change once computed, bounded by an estimate of the memory they take:
/// when the bound is passed, the oldest are dropped first.
package final class AnswerCache<Key: Hashable & Sendable, Value: Sendable>: Sendable {
    private struct State {
        var entries: [Key: Value] = [:]
        var order: [Key] = []
        var used = 0
    }

    private let state = NIOLockedValueBox(State())
    /// At most this much (as measured by `cost`) is kept.
    let capacity: Int
    private let cost: @Sendable (Value) -> Int

    init(capacity: Int, cost: @escaping @Sendable (Value) -> Int) {
        self.capacity = capacity
        self.cost = cost
    }

    subscript(key: Key) -> Value? {
        get { state.withLockedValue { $0.entries[key] } }
        set {
            guard let newValue, cost(newValue) <= capacity else { return }
            state.withLockedValue { state in
                guard state.entries[key] == nil else { return }
                state.entries[key] = newValue
                state.order.append(key)
                state.used += cost(newValue)
                var dropped = 0
                while state.used > capacity, dropped < state.order.count {
                    if let evicted = state.entries.removeValue(forKey: state.order[dropped]) { state.used -= cost(evicted) }
                    dropped += 1
                }
                if dropped > 0 { state.order.removeFirst(dropped) }
            }
        }
    }

    package var count: Int { state.withLockedValue { $0.entries.count } }
}

/// Encoded read-model answers, by the moment they answer for. The log only grows, so an answer
/// about a resolved moment never changes.
typealias ResponseCache = AnswerCache<ResponseKey, ByteBuffer>

extension AnswerCache where Key == ResponseKey, Value == ByteBuffer {
    convenience init(capacity: Int = 64 << 20) {
        self.init(capacity: capacity, cost: \.readableBytes)
    }
}

struct ResponseKey: Hashable, Sendable, CustomStringConvertible {
    let path: String
    let chain: String?
    let moment: Moment

    var description: String { "\(path)|\(chain ?? "")|\(moment.size)|\(moment.day)|\(moment.recordedAt ?? "")" }
}

/// KPI trees by chain and revision (`ReadModels.kpiTreeRevision`): a tree computed for one
/// moment serves every later moment until something it shows changes.
package typealias KpiTreeCache = AnswerCache<KpiTreeKey, EncodedTree>

package struct KpiTreeKey: Hashable, Sendable {
    package let chain: String
    package let revision: UInt64
}

extension AnswerCache where Key == KpiTreeKey, Value == EncodedTree {
    convenience init(capacity: Int = 16 << 20) {
        self.init(capacity: capacity, cost: { $0.bytes.count })
    }
}

/// A KPI tree as the status route answers it (`[tree]` in JSON), encoded once: for another
/// moment of the same revision only the moment is encoded again and put in its place.
package struct EncodedTree: Sendable {
    let tree: KpiTree
    package let bytes: [UInt8]
    /// Where the moment's JSON lies in `bytes` (nil if it could not be found: then every
    /// answer is encoded whole).
    let moment: Range<Int>?

    package init(_ tree: KpiTree) throws {
        self.tree = tree
        bytes = Array(try JSON.encoder.encode([tree]))
        let encodedMoment = Array(try JSON.encoder.encode(tree.moment))
        let key = Array(#""moment":"#.utf8)
        moment = bytes.firstRange(of: key + encodedMoment).map { ($0.lowerBound + key.count)..<$0.upperBound }
    }

    /// The answer about `other`, a moment of the same revision.
    package func body(at other: Moment) throws -> ByteBuffer {
        guard let moment else { return try JSON.bytes([tree.at(other)]) }
        var buffer = ByteBuffer()
        buffer.reserveCapacity(bytes.count + 16)
        buffer.writeBytes(bytes[..<moment.lowerBound])
        buffer.writeBytes(try JSON.encoder.encode(other))
        buffer.writeBytes(bytes[moment.upperBound...])
        return buffer
    }
}
