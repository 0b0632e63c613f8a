#pragma once

#include <string>
#include <string_view>

namespace replwatch::web {

/// Compresses data into a single gzip member (RFC 1952).
/// Throws std::runtime_error if zlib fails.
std::string GzipCompress(std::string_view data);

/// True if an Accept-Encoding header value admits gzip: a "gzip" or "*"
/// coding whose q-value is not zero.
bool AcceptsGzip(std::string_view accept_encoding);

}  // namespace replwatch::web
