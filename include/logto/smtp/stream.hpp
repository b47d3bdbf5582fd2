/// @file
/// @brief The byte-stream concept the SMTP driver runs on. The library never resolves names or
/// opens sockets: the host connects (host, port) and hands over a stream; the library reads,
/// writes and closes it, and runs TLS over it with mbedTLS when asked to.
///
/// A stream is any type `S` with
/// ```
///   result<std::size_t> read(char* buffer, std::size_t max, int timeout_ms);
///       // Blocks until at least one byte is available (returns how many, at most `max`), the peer
///       // closes the connection in an orderly way (returns 0), or `timeout_ms` (> 0) pass
///       // (errc::timeout). Other failures: errc::connection_closed (reset) or errc::transport_error.
///   result<void> write(std::string_view data, int timeout_ms);
///       // Writes all of `data` or fails (errc::timeout when no progress for `timeout_ms`).
///   void close();
///       // Closes the connection. Called once, also after errors.
/// ```
/// A stream factory (for `connectors::smtp::send`) is a callable
/// `result<S>(std::string_view host, std::uint16_t port, int timeout_ms)` that connects within
/// `timeout_ms` (nodemailer's `connectionTimeout`). `examples/common/posix_stream.hpp` is a small
/// POSIX implementation with poll()-based timeouts.
#pragma once

#include <cstddef>      // std::size_t
#include <cstdint>      // std::uint16_t
#include <string_view>  // std::string_view
#include <type_traits>  // std::is_same, std::void_t, std::true_type
#include <utility>      // std::declval

#include "logto/core/result.hpp"

namespace logto {
namespace smtp {

/// True when `S` models the stream concept (see the file comment).
template <class S, class = void>
struct is_stream : std::false_type {};
template <class S>
struct is_stream<S, std::void_t<decltype(std::declval<S&>().read(std::declval<char*>(), std::size_t{}, int{})),
                                decltype(std::declval<S&>().write(std::declval<std::string_view>(), int{})),
                                decltype(std::declval<S&>().close())>>
    : std::integral_constant<
          bool, std::is_same<decltype(std::declval<S&>().read(std::declval<char*>(), std::size_t{}, int{})),
                             result<std::size_t>>::value &&
                    std::is_same<decltype(std::declval<S&>().write(std::declval<std::string_view>(), int{})),
                                 result<void>>::value> {};

#if defined(__cpp_concepts) && __cpp_concepts >= 201907L
/// C++20 spelling of `is_stream`.
template <class S>
concept stream = is_stream<S>::value;
#endif

}  // namespace smtp
}  // namespace logto
