import Dispatch
import Foundation

/// Splitting CPU work over the machine's cores, for the per-event work of large commits
/// (parsing, rendering and hashing entries), which is independent from event to event.
package enum Parallel {
    /// Below this many elements, the work runs on the calling thread.
    package static let threshold = 256

    /// `transform(index)` for every index in `0..<count`, in order; in parallel chunks when
    /// `count` is large enough. The first error (by index) is rethrown.
    package static func map<T: Sendable, Failure: Error>(
        _ count: Int, _ transform: @Sendable (Int) throws(Failure) -> T
    ) throws(Failure) -> [T] {
        let chunks = min(ProcessInfo.processorCount * 2, count / threshold)
        guard chunks > 1 else {
            var result: [T] = []
            result.reserveCapacity(count)
            for index in 0..<count { result.append(try transform(index)) }
            return result
        }
        let results = UnsafeMutableBufferPointer<Result<[T], Failure>?>.allocate(capacity: chunks)
        results.initialize(repeating: nil)
        defer {
            results.deinitialize()
            results.deallocate()
        }
        let base = Sendable_(results)
        DispatchQueue.concurrentPerform(iterations: chunks) { chunk in
            let range = (count * chunk / chunks)..<(count * (chunk + 1) / chunks)
            var part: [T] = []
            part.reserveCapacity(range.count)
            do throws(Failure) {
                for index in range { part.append(try transform(index)) }
                base.buffer[chunk] = .success(part)
            } catch {
                base.buffer[chunk] = .failure(error)
            }
        }
        var result: [T] = []
        result.reserveCapacity(count)
        for chunk in 0..<chunks {
            result += try results[chunk]!.get()
        }
        return result
    }

    /// Runs `work` on a Dispatch worker thread instead of a thread of Swift's cooperative pool.
    /// For CPU work of a millisecond or more that should not hold up the pool's few threads (one
    /// per core), on which the tasks waiting for it, and others, resume.
    package static func offPool<T: Sendable, Failure: Error>(
        _ work: @escaping @Sendable () throws(Failure) -> T
    ) async throws(Failure) -> T {
        let result: Result<T, Failure> = await withCheckedContinuation { continuation in
            DispatchQueue.global(qos: .utility).async {
                continuation.resume(returning: Result { () throws(Failure) -> T in try work() })
            }
        }
        return try result.get()
    }

    /// A buffer whose chunks are written by separate threads, each to its own slot.
    private struct Sendable_<Element>: @unchecked Sendable {
        let buffer: UnsafeMutableBufferPointer<Element>
        init(_ buffer: UnsafeMutableBufferPointer<Element>) { self.buffer = buffer }
    }
}

extension ProcessInfo {
    /// Active processor count, read once.
    static let processorCount = ProcessInfo.processInfo.activeProcessorCount
}
