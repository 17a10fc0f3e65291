#pragma once
// Hashing through OpenSSL's EVP interface.
#include <string>
#include <string_view>

namespace dbctl::util {

/// Return the SHA-256 of data as 64 lowercase hex digits.
std::string sha256_hex(std::string_view data);

/// Return the raw 32-byte HMAC-SHA256 of data under key.
std::string hmac_sha256(std::string_view key, std::string_view data);

/// Encode bytes as URL-safe base64 (RFC 4648 §5) without padding.
std::string base64url(std::string_view bytes);

} // namespace dbctl::util
