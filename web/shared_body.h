#pragma once

// Boost 1.83 (Debian 13) beast/http/impl/field.ipp uses std::uint32_t
// without including <cstdint>; with GCC 14 nothing else brings it in first.
// clang-format off
#include <cstdint>
// clang-format on

#include <boost/asio/buffer.hpp>
#include <boost/beast/core/error.hpp>
#include <boost/beast/http/message.hpp>
#include <boost/optional.hpp>
#include <memory>
#include <string>
#include <utility>

namespace replwatch::web {

// A Beast body over an immutable shared string: one exposition goes out to
// many clients at once without a copy per response. Write-only.
struct SharedStringBody {
  using value_type = std::shared_ptr<const std::string>;

  static std::uint64_t size(const value_type& body) {
    return body ? body->size() : 0;
  }

  class writer {
   public:
    using const_buffers_type = boost::asio::const_buffer;

    template <bool kIsRequest, class Fields>
    writer(const boost::beast::http::header<kIsRequest, Fields>&,
           const value_type& body)
        : body_(body) {}

    void init(boost::beast::error_code& ec) { ec = {}; }

    boost::optional<std::pair<const_buffers_type, bool>> get(
        boost::beast::error_code& ec) {
      ec = {};
      if (!body_ || body_->empty()) return boost::none;
      return std::make_pair(const_buffers_type(body_->data(), body_->size()),
                            false);
    }

   private:
    const value_type& body_;
  };
};

}  // namespace replwatch::web
