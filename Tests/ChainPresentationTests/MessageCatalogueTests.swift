import Foundation
import Testing

@testable import ChainPresentation

/// The two catalogues say the same things: the same keys, the same `{names}` in each text, and
/// no empty text where the other language has one.
struct MessageCatalogueTests {
    @Test func bothLanguagesHaveEveryMessage() {
        let dutch = MessageCatalogue.shipped(.dutch).messages
        let english = MessageCatalogue.shipped(.english).messages
        #expect(dutch.count > 200, "the Dutch catalogue loaded")
        #expect(Set(dutch.keys).subtracting(english.keys).isEmpty, "keys only in Dutch: \(Set(dutch.keys).subtracting(english.keys).sorted())")
        #expect(Set(english.keys).subtracting(dutch.keys).isEmpty, "keys only in English: \(Set(english.keys).subtracting(dutch.keys).sorted())")
        for (key, text) in dutch {
            let other = english[key] ?? ""
            #expect(Self.names(text) == Self.names(other), "\(key) names the same values in both languages")
            #expect(text.isEmpty == other.isEmpty, "\(key)")
        }
    }

    @Test func aMissingKeyShowsAsSuch() {
        #expect(MessageCatalogue.shipped(.dutch)["no_such_key"] == "⟦no_such_key⟧")
        #expect(
            MessageCatalogue.shipped(.english).format("moment_line", ["size": "7", "recorded": "x"])
                == "Showing the ledger at position 7, recorded x.")
    }

    static func names(_ text: String) -> Set<String> {
        var names = Set<String>()
        var rest = Substring(text)
        while let open = rest.firstIndex(of: "{"), let close = rest[open...].firstIndex(of: "}") {
            names.insert(String(rest[rest.index(after: open)..<close]))
            rest = rest[rest.index(after: close)...]
        }
        return names
    }
}
