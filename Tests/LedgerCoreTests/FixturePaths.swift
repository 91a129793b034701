import Foundation

/// Where the repository's fixtures are, found from this file's location so that tests run from
/// any working directory.
enum FixturePaths {
    static let repositoryRoot = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    static let fixtures = repositoryRoot.appendingPathComponent("Fixtures")

    /// The transparency-dev Merkle vectors: the copy kept in `Fixtures/vectors`, and the shared
    /// public copy beside the repository when a checkout has one. Both must pass unchanged.
    static var merkleVectorFolders: [URL] {
        let vendored = fixtures.appendingPathComponent("vectors/transparency-dev-merkle")
        let shared = repositoryRoot.deletingLastPathComponent()
            .appendingPathComponent("shared/vectors/transparency-dev-merkle")
        return FileManager.default.fileExists(atPath: shared.path) ? [vendored, shared] : [vendored]
    }

    /// Every `.json` file below `folder`, sorted.
    static func jsonFiles(below folder: URL) -> [URL] {
        let enumerator = FileManager.default.enumerator(at: folder, includingPropertiesForKeys: nil)
        var files: [URL] = []
        while let url = enumerator?.nextObject() as? URL {
            if url.pathExtension == "json" { files.append(url) }
        }
        return files.sorted { $0.path < $1.path }
    }
}
