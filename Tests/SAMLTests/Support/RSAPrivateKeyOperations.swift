import Foundation
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Counts RSA private-key operations — OpenSSL's `EVP_PKEY_decrypt`, the one call that unwraps an EncryptedKey — made
/// by the task that asks, so a test can say "one key transport" and fail when it becomes two.
///
/// The count is exact, not a timing: this test binary defines `EVP_PKEY_decrypt` itself (below), the library's C
/// shim is linked against that definition, and it forwards every call to libcrypto's (`dlsym(RTLD_NEXT, …)`). The
/// tally is a task-local, so the suites running in parallel never add to each other's counts. A definition that
/// stopped intercepting would count zero, which ``ResourceBoundTests`` catches: its baseline expects exactly one.
enum RSAPrivateKeyOperations {
    final class Tally: @unchecked Sendable {  // `count` is read and written only under `lock`.
        private let lock = NSLock()
        private var value = 0
        func increment() { lock.withLock { value += 1 } }
        var count: Int { lock.withLock { value } }
    }

    @TaskLocal static var tally: Tally?

    /// Runs `body` and returns how many RSA private-key operations it made (in this task and its child tasks).
    static func count(_ body: () async throws -> Void) async rethrows -> Int {
        let tally = Tally()
        try await $tally.withValue(tally) { try await body() }
        return tally.count
    }

    typealias Decrypt = @convention(c) (OpaquePointer?, UnsafeMutablePointer<UInt8>?, UnsafeMutablePointer<Int>?,
                                        UnsafePointer<UInt8>?, Int) -> Int32

    /// libcrypto's own `EVP_PKEY_decrypt`: the next definition after this executable's.
    static let libcryptoDecrypt: Decrypt = {
        let next = UnsafeMutableRawPointer(bitPattern: -1)  // RTLD_NEXT
        guard let symbol = dlsym(next, "EVP_PKEY_decrypt") else { fatalError("EVP_PKEY_decrypt not found in libcrypto") }
        return unsafeBitCast(symbol, to: Decrypt.self)
    }()
}

/// `int EVP_PKEY_decrypt(EVP_PKEY_CTX *ctx, unsigned char *out, size_t *outlen, const unsigned char *in, size_t inlen)`,
/// counted, then forwarded to libcrypto unchanged.
@_cdecl("EVP_PKEY_decrypt")
func countedEVPPKEYDecrypt(_ context: OpaquePointer?, _ output: UnsafeMutablePointer<UInt8>?, _ outputLength: UnsafeMutablePointer<Int>?,
                           _ input: UnsafePointer<UInt8>?, _ inputLength: Int) -> Int32 {
    RSAPrivateKeyOperations.tally?.increment()
    return RSAPrivateKeyOperations.libcryptoDecrypt(context, output, outputLength, input, inputLength)
}
