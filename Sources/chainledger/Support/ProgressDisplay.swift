import ChainPresentation
import Foundation
import NIOConcurrencyHelpers

/// Progress of long work on standard error, in the command's language (`LanguageOption`): on a
/// terminal one line redrawn in place, a bar with done / total, the rate and the time left;
/// otherwise a plain line at each tenth, so that logs stay short. Nothing when `quiet`. Standard
/// output stays the command's result.
final class ProgressDisplay: Sendable {
    private struct State {
        var lastTenth = -1
        var lastDrawn = Date.distantPast
        var drawn = false
    }

    private let task: String
    private let messages: MessageCatalogue
    private let onTerminal: Bool
    private let quiet: Bool
    private let start = Date()
    private let state = NIOLockedValueBox(State())

    /// `task` is the catalogue key of the work's name (`progress_verify`, …).
    init(_ task: String, quiet: Bool, language: Language) {
        messages = .shipped(language)
        self.task = messages[task]
        self.quiet = quiet
        onTerminal = isatty(STDERR_FILENO) == 1
    }

    /// Reports `done` of `total` entries.
    func update(_ done: UInt64, of total: UInt64) {
        guard !quiet, total > 0 else { return }
        let done = min(done, total)
        let now = Date()
        let text: String? = state.withLockedValue { state in
            if onTerminal {
                guard done == total || now.timeIntervalSince(state.lastDrawn) >= 0.1 else { return nil }
                state.lastDrawn = now
                state.drawn = true
                return "\r" + line(done, total, elapsed: now.timeIntervalSince(start)) + "\u{1B}[K"
            }
            let tenth = Int(done * 10 / total)
            guard tenth != state.lastTenth else { return nil }
            state.lastTenth = tenth
            return messages.format(
                "progress_line", ["task": task, "done": "\(done)", "total": "\(total)", "percent": "\(done * 100 / total)"]) + "\n"
        }
        if let text { FileHandle.standardError.write(Data(text.utf8)) }
    }

    /// Ends the redrawn line, so that what follows starts on a line of its own.
    func finish() {
        let drawn = state.withLockedValue { state in
            defer { state.drawn = false }
            return state.drawn
        }
        if drawn { FileHandle.standardError.write(Data("\n".utf8)) }
    }

    private func line(_ done: UInt64, _ total: UInt64, elapsed: TimeInterval) -> String {
        let width = 30
        let filled = Int(done * UInt64(width) / total)
        let bar = String(repeating: "#", count: filled) + String(repeating: ".", count: width - filled)
        let rate = elapsed > 0 ? Double(done) / elapsed : 0
        let left = rate > 0 ? Self.duration(Double(total - done) / rate) : "?"
        return messages.format(
            "progress_bar", ["task": task, "bar": bar, "done": "\(done)", "total": "\(total)", "rate": "\(Int(rate))", "left": left])
    }

    /// `0:07`, `12:30`, `2:05:00`.
    static func duration(_ seconds: Double) -> String {
        let whole = Int(seconds.rounded(.up))
        let (hours, minutes, rest) = (whole / 3600, whole / 60 % 60, whole % 60)
        let tail = String(format: "%02d", rest)
        return hours > 0 ? "\(hours):\(String(format: "%02d", minutes)):\(tail)" : "\(minutes):\(tail)"
    }
}
