// A small blocking TCP stream for POSIX hosts (Linux, macOS, BSD) with poll()-based timeouts,
// implementing logto-cpp's SMTP stream concept (include/logto/smtp/stream.hpp). The library itself
// never opens sockets; examples and tests use this one.
//
//   auto s = logto_examples::posix_stream::connect("smtp.example.com", 587, 120000);
//   auto sent = smtp_connector.send(message, *s);            // or:
//   auto sent = smtp_connector.send(message, logto_examples::posix_connect{});
#pragma once

#include <cerrno>       // errno
#include <chrono>       // std::chrono::steady_clock
#include <cstddef>      // std::size_t
#include <cstdint>      // std::uint16_t
#include <cstring>      // std::strerror
#include <string>       // std::string, std::to_string
#include <string_view>  // std::string_view
#include <utility>      // std::exchange

#include <fcntl.h>       // fcntl, O_NONBLOCK
#include <netdb.h>       // getaddrinfo
#include <netinet/in.h>  // IPPROTO_TCP
#include <netinet/tcp.h> // TCP_NODELAY
#include <poll.h>        // poll
#include <sys/socket.h>  // socket, connect, send, recv
#include <unistd.h>      // close

#include <logto/core/result.hpp>

namespace logto_examples {

class posix_stream {
 public:
  /// Resolves `host` and connects to the first address that answers within `timeout_ms` overall.
  static logto::result<posix_stream> connect(std::string_view host, std::uint16_t port, int timeout_ms) {
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::milliseconds(timeout_ms);
    addrinfo hints{};
    hints.ai_family = AF_UNSPEC;
    hints.ai_socktype = SOCK_STREAM;
    addrinfo* list = nullptr;
    const std::string host_str(host);
    const std::string port_str = std::to_string(port);
    const int gai = ::getaddrinfo(host_str.c_str(), port_str.c_str(), &hints, &list);
    if (gai != 0) {
      return logto::make_error(logto::errc::transport_error,
                               "cannot resolve " + host_str + ": " + ::gai_strerror(gai));
    }
    std::string last = "no address";
    logto::errc last_code = logto::errc::transport_error;
    for (addrinfo* ai = list; ai != nullptr; ai = ai->ai_next) {
      const int fd = ::socket(ai->ai_family, ai->ai_socktype, ai->ai_protocol);
      if (fd < 0) {
        last = std::strerror(errno);
        continue;
      }
      const int flags = ::fcntl(fd, F_GETFL, 0);
      ::fcntl(fd, F_SETFL, flags | O_NONBLOCK);
#ifdef SO_NOSIGPIPE
      int one_np = 1;
      ::setsockopt(fd, SOL_SOCKET, SO_NOSIGPIPE, &one_np, sizeof one_np);
#endif
      int one = 1;
      ::setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
      int rc = ::connect(fd, ai->ai_addr, ai->ai_addrlen);
      if (rc != 0 && errno == EINPROGRESS) {
        const int left = remaining(deadline);
        pollfd p{fd, POLLOUT, 0};
        rc = left > 0 ? ::poll(&p, 1, left) : 0;
        if (rc == 0) {
          ::close(fd);
          last = "connect timed out";
          last_code = logto::errc::timeout;
          break;
        }
        int err = 0;
        socklen_t len = sizeof err;
        ::getsockopt(fd, SOL_SOCKET, SO_ERROR, &err, &len);
        if (rc < 0 || err != 0) {
          last = std::strerror(rc < 0 ? errno : err);
          ::close(fd);
          continue;
        }
        rc = 0;
      }
      if (rc != 0) {
        last = std::strerror(errno);
        ::close(fd);
        continue;
      }
      ::freeaddrinfo(list);
      return posix_stream(fd);
    }
    ::freeaddrinfo(list);
    return logto::make_error(last_code, "cannot connect to " + host_str + ":" + port_str + ": " + last);
  }

  posix_stream(posix_stream&& other) noexcept : fd_(std::exchange(other.fd_, -1)) {}
  posix_stream& operator=(posix_stream&& other) noexcept {
    if (this != &other) {
      close();
      fd_ = std::exchange(other.fd_, -1);
    }
    return *this;
  }
  posix_stream(const posix_stream&) = delete;
  posix_stream& operator=(const posix_stream&) = delete;
  ~posix_stream() { close(); }

  logto::result<std::size_t> read(char* buffer, std::size_t max, int timeout_ms) {
    if (fd_ < 0) return logto::make_error(logto::errc::connection_closed, "the stream is closed");
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::milliseconds(timeout_ms);
    for (;;) {
      const ssize_t n = ::recv(fd_, buffer, max, 0);
      if (n >= 0) return static_cast<std::size_t>(n);
      if (errno == EINTR) continue;
      if (errno != EAGAIN && errno != EWOULDBLOCK) return failure("recv");
      auto waited = wait(POLLIN, deadline);
      if (!waited) return waited.error();
    }
  }

  logto::result<void> write(std::string_view data, int timeout_ms) {
    if (fd_ < 0) return logto::make_error(logto::errc::connection_closed, "the stream is closed");
    auto deadline = std::chrono::steady_clock::now() + std::chrono::milliseconds(timeout_ms);
    std::size_t done = 0;
    while (done < data.size()) {
#ifdef MSG_NOSIGNAL
      const ssize_t n = ::send(fd_, data.data() + done, data.size() - done, MSG_NOSIGNAL);
#else
      const ssize_t n = ::send(fd_, data.data() + done, data.size() - done, 0);
#endif
      if (n > 0) {
        done += static_cast<std::size_t>(n);
        deadline = std::chrono::steady_clock::now() + std::chrono::milliseconds(timeout_ms);  // progress
        continue;
      }
      if (n < 0 && errno == EINTR) continue;
      if (n < 0 && errno != EAGAIN && errno != EWOULDBLOCK) return failure("send");
      auto waited = wait(POLLOUT, deadline);
      if (!waited) return waited.error();
    }
    return logto::ok();
  }

  void close() {
    if (fd_ >= 0) {
      ::close(fd_);
      fd_ = -1;
    }
  }

 private:
  explicit posix_stream(int fd) : fd_(fd) {}

  static int remaining(std::chrono::steady_clock::time_point deadline) {
    const auto left =
        std::chrono::duration_cast<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now()).count();
    return left <= 0 ? 0 : left > 0x7FFFFFFF ? 0x7FFFFFFF : static_cast<int>(left);
  }

  logto::result<void> wait(short events, std::chrono::steady_clock::time_point deadline) {
    for (;;) {
      const int left = remaining(deadline);
      if (left == 0) return logto::make_error(logto::errc::timeout, "timed out");
      pollfd p{fd_, events, 0};
      const int rc = ::poll(&p, 1, left);
      if (rc > 0) return logto::ok();
      if (rc == 0) return logto::make_error(logto::errc::timeout, "timed out");
      if (errno != EINTR) return failure("poll");
    }
  }

  static logto::error failure(const char* what) {
    const int e = errno;
    const bool reset = e == ECONNRESET || e == EPIPE || e == ENOTCONN;
    return logto::make_error(reset ? logto::errc::connection_closed : logto::errc::transport_error,
                             std::string(what) + ": " + std::strerror(e));
  }

  int fd_ = -1;
};

/// A stream factory for `connectors::smtp::send`: connects with `posix_stream::connect`.
struct posix_connect {
  logto::result<posix_stream> operator()(std::string_view host, std::uint16_t port, int timeout_ms) const {
    return posix_stream::connect(host, port, timeout_ms);
  }
};

}  // namespace logto_examples
