/// Stream ids that start with a prefix, as a range a store's index can scan.
package enum StreamPrefix {
    /// The smallest string above every string that starts with `prefix`, in byte order: the ids
    /// with the prefix are those `>= prefix` and `<` this.
    package static func upperBound(of prefix: String) -> String {
        var bytes = Array(prefix.utf8)
        while let last = bytes.last, last == 0x7F { bytes.removeLast() }
        guard let last = bytes.popLast() else { return "\u{10FFFF}" }
        bytes.append(last + 1)
        return String(decoding: bytes, as: UTF8.self)
    }
}
