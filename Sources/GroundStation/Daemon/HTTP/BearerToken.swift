import Foundation
import Hummingbird

/// Checks `Authorization: Bearer TOKEN` against the configured SHA-256 digests. The token is hashed and
/// compared with every digest in constant time, so neither a match's position nor a prefix leaks.
enum BearerToken {
    static func check(_ header: String?, digests: [[UInt8]]) throws {
        guard !digests.isEmpty else {
            throw APIError(.forbidden, "write endpoints are disabled: no API tokens in the configuration (http.tokens)")
        }
        guard let header, header.lowercased().hasPrefix("bearer ") else {
            throw APIError(.unauthorized, "missing bearer token", headers: [.wwwAuthenticate: "Bearer"])
        }
        let token = header.dropFirst(7).trimmingCharacters(in: .whitespaces)
        let digest = SHA256Digest.hash(Array(token.utf8))
        var ok = false
        for d in digests { ok = SHA256Digest.constantTimeEqual(d, digest) || ok }
        guard ok else { throw APIError(.unauthorized, "invalid bearer token", headers: [.wwwAuthenticate: "Bearer"]) }
    }
}
