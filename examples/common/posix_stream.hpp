// A small blocking TCP stream with poll()-based timeouts, for POSIX hosts (Linux, macOS, BSD) and
// Windows (Winsock, WSAPoll; common/socket.hpp), implementing logto-cpp's SMTP stream concept
// (include/logto/smtp/stream.hpp). The library itself never opens sockets; examples and tests use
// this one.
//
//   auto s = logto_examples::posix_stream::connect("smtp.example.com", 587, 120000);
//   auto sent = smtp_connector.send(message, *s);            // or:
//   auto sent = smtp_connector.send(message, logto_examples::posix_connect{});
#pragma once

#include <chrono>       // std::chrono::steady_clock
#include <cstddef>      // std::size_t
#include <cstdint>      // std::uint16_t
#include <string>       // std::string, std::to_string
#include <string_view>  // std::string_view
#include <utility>      // std::exchange

#include <logto/logto.hpp>  // the one library header: include/ and single_include/ alike

#include "examples/common/socket.hpp"

namespace logto_examples {

class posix_stream {
 public:
  /// Resolves `host` and connects to the first address that answers within `timeout_ms` overall.
  static logto::result<posix_stream> connect(std::string_view host, std::uint16_t port, int timeout_ms) {
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::milliseconds(timeout_ms);
    if (!net::startup()) return logto::make_error(logto::errc::transport_error, "cannot start Winsock");
    addrinfo hints{};
    hints.ai_family = AF_UNSPEC;
    hints.ai_socktype = SOCK_STREAM;
    addrinfo* list = nullptr;
    const std::string host_str(host);
    const std::string port_str = std::to_string(port);
    const int gai = ::getaddrinfo(host_str.c_str(), port_str.c_str(), &hints, &list);
    if (gai != 0) {
      return logto::make_error(logto::errc::transport_error, "cannot resolve " + host_str + ": " + ::gai_strerror(gai));
    }
    std::string last = "no address";
    logto::errc last_code = logto::errc::transport_error;
    for (addrinfo* ai = list; ai != nullptr; ai = ai->ai_next) {
      const net::socket_t fd = ::socket(ai->ai_family, ai->ai_socktype, ai->ai_protocol);
      if (fd == net::invalid_socket) {
        last = net::error_text(net::last_error());
        continue;
      }
      net::set_nonblocking(fd);
#ifdef SO_NOSIGPIPE
      net::set_option(fd, SOL_SOCKET, SO_NOSIGPIPE, 1);
#endif
      net::set_option(fd, IPPROTO_TCP, TCP_NODELAY, 1);
      int rc = net::connect(fd, ai->ai_addr, ai->ai_addrlen);
      if (rc != 0 && net::would_block(net::last_error())) {
        const int left = remaining(deadline);
        net::pollfd_t p{fd, POLLOUT, 0};
        rc = left > 0 ? net::poll(&p, 1, left) : 0;
        if (rc == 0) {
          net::close(fd);
          last = "connect timed out";
          last_code = logto::errc::timeout;
          break;
        }
        const int err = rc < 0 ? net::last_error() : net::pending_error(fd);
        if (rc < 0 || err != 0) {
          last = net::error_text(err);
          net::close(fd);
          continue;
        }
        rc = 0;
      }
      if (rc != 0) {
        last = net::error_text(net::last_error());
        net::close(fd);
        continue;
      }
      ::freeaddrinfo(list);
      return posix_stream(fd);
    }
    ::freeaddrinfo(list);
    return logto::make_error(last_code, "cannot connect to " + host_str + ":" + port_str + ": " + last);
  }

  posix_stream(posix_stream&& other) noexcept : fd_(std::exchange(other.fd_, net::invalid_socket)) {}
  posix_stream& operator=(posix_stream&& other) noexcept {
    if (this != &other) {
      close();
      fd_ = std::exchange(other.fd_, net::invalid_socket);
    }
    return *this;
  }
  posix_stream(const posix_stream&) = delete;
  posix_stream& operator=(const posix_stream&) = delete;
  ~posix_stream() { close(); }

  logto::result<std::size_t> read(char* buffer, std::size_t max, int timeout_ms) {
    if (fd_ == net::invalid_socket) return logto::make_error(logto::errc::connection_closed, "the stream is closed");
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::milliseconds(timeout_ms);
    for (;;) {
      const long n = net::recv_some(fd_, buffer, max);
      if (n >= 0) return static_cast<std::size_t>(n);
      const int e = net::last_error();
      if (net::interrupted(e)) continue;
      if (!net::would_block(e)) return failure("recv", e);
      auto waited = wait(POLLIN, deadline);
      if (!waited) return waited.error();
    }
  }

  logto::result<void> write(std::string_view data, int timeout_ms) {
    if (fd_ == net::invalid_socket) return logto::make_error(logto::errc::connection_closed, "the stream is closed");
    auto deadline = std::chrono::steady_clock::now() + std::chrono::milliseconds(timeout_ms);
    std::size_t done = 0;
    while (done < data.size()) {
      const long n = net::send_some(fd_, data.data() + done, data.size() - done);
      if (n > 0) {
        done += static_cast<std::size_t>(n);
        deadline = std::chrono::steady_clock::now() + std::chrono::milliseconds(timeout_ms);  // progress
        continue;
      }
      const int e = n < 0 ? net::last_error() : 0;
      if (n < 0 && net::interrupted(e)) continue;
      if (n < 0 && !net::would_block(e)) return failure("send", e);
      auto waited = wait(POLLOUT, deadline);
      if (!waited) return waited.error();
    }
    return logto::ok();
  }

  void close() {
    if (fd_ != net::invalid_socket) {
      net::close(fd_);
      fd_ = net::invalid_socket;
    }
  }

 private:
  explicit posix_stream(net::socket_t fd) : fd_(fd) {}

  static int remaining(std::chrono::steady_clock::time_point deadline) {
    const auto left =
        std::chrono::duration_cast<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now()).count();
    return left <= 0 ? 0 : left > 0x7FFFFFFF ? 0x7FFFFFFF : static_cast<int>(left);
  }

  logto::result<void> wait(short events, std::chrono::steady_clock::time_point deadline) {
    for (;;) {
      const int left = remaining(deadline);
      if (left == 0) return logto::make_error(logto::errc::timeout, "timed out");
      net::pollfd_t p{fd_, events, 0};
      const int rc = net::poll(&p, 1, left);
      if (rc > 0) return logto::ok();
      if (rc == 0) return logto::make_error(logto::errc::timeout, "timed out");
      const int e = net::last_error();
      if (!net::interrupted(e)) return failure("poll", e);
    }
  }

  static logto::error failure(const char* what, int e) {
    return logto::make_error(net::connection_lost(e) ? logto::errc::connection_closed : logto::errc::transport_error,
                             std::string(what) + ": " + net::error_text(e));
  }

  net::socket_t fd_ = net::invalid_socket;
};

/// A stream factory for `connectors::smtp::send`: connects with `posix_stream::connect`.
struct posix_connect {
  logto::result<posix_stream> operator()(std::string_view host, std::uint16_t port, int timeout_ms) const {
    return posix_stream::connect(host, port, timeout_ms);
  }
};

}  // namespace logto_examples
