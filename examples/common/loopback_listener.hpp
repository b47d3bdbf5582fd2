// RFC 8252 7.3 loopback redirect for desktop apps: listen on 127.0.0.1 on a random port, let the
// system browser come back to http://127.0.0.1:<port>/callback, answer with a small page, and hand
// the full callback URL to logto::client::handle_sign_in_callback. POSIX sockets or Winsock
// (common/socket.hpp); examples only.
#pragma once

#include <string>

#include "examples/common/socket.hpp"

namespace logto_examples {

class loopback_listener {
 public:
  loopback_listener() {
    if (!net::startup()) return;
    fd_ = ::socket(AF_INET, SOCK_STREAM, 0);
    if (fd_ == net::invalid_socket) return;
#if !defined(_WIN32)
    net::set_option(fd_, SOL_SOCKET, SO_REUSEADDR, 1);  // (on Windows it would let another process share the port)
#endif
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);  // never 0.0.0.0: only this machine may call back
    addr.sin_port = 0;                              // the OS picks a free port
    if (::bind(fd_, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0 || ::listen(fd_, 4) != 0) {
      close_fd();
      return;
    }
    socklen_t len = sizeof addr;
    ::getsockname(fd_, reinterpret_cast<sockaddr*>(&addr), &len);
    port_ = ntohs(addr.sin_port);
  }
  loopback_listener(const loopback_listener&) = delete;
  loopback_listener& operator=(const loopback_listener&) = delete;
  ~loopback_listener() { close_fd(); }

  bool ok() const { return fd_ != net::invalid_socket; }
  unsigned short port() const { return port_; }
  std::string redirect_uri(const std::string& path = "/callback") const {
    return "http://127.0.0.1:" + std::to_string(port_) + path;
  }

  /// Waits up to `timeout_ms` for the browser's request and returns the full callback URL ("" on
  /// timeout). Requests for other paths (favicon) are answered 404 and ignored.
  std::string wait_for_callback(int timeout_ms, const std::string& path = "/callback") {
    for (;;) {
      net::pollfd_t p{fd_, POLLIN, 0};
      if (net::poll(&p, 1, timeout_ms) <= 0) return {};
      const net::socket_t client = ::accept(fd_, nullptr, nullptr);
      if (client == net::invalid_socket) return {};
      std::string request;
      char buf[4096];
      while (request.find("\r\n\r\n") == std::string::npos && request.size() < 65536) {
        net::pollfd_t cp{client, POLLIN, 0};
        if (net::poll(&cp, 1, 5000) <= 0) break;
        const long n = net::recv_some(client, buf, sizeof buf);
        if (n <= 0) break;
        request.append(buf, static_cast<std::size_t>(n));
      }
      // "GET /callback?code=...&state=... HTTP/1.1"
      std::string target;
      if (request.rfind("GET ", 0) == 0) {
        const auto end = request.find(' ', 4);
        if (end != std::string::npos) target = request.substr(4, end - 4);
      }
      const bool ours = target.rfind(path, 0) == 0 && (target.size() == path.size() || target[path.size()] == '?');
      // The app checks the callback; the page only says whether the provider reported an error.
      const bool provider_error =
          target.find("?error=") != std::string::npos || target.find("&error=") != std::string::npos;
      const std::string body = !ours            ? "not found"
                               : provider_error ? "<!doctype html><title>Sign-in failed</title><p>Sign-in did not "
                                                  "complete. Return to the application for details.</p>"
                                                : "<!doctype html><title>Signed in</title><p>You can close this "
                                                  "window and return to the application.</p>";
      const std::string reply = std::string(ours ? "HTTP/1.1 200 OK" : "HTTP/1.1 404 Not Found") +
                                "\r\nContent-Type: text/html; charset=utf-8\r\nConnection: close\r\n"
                                "Content-Length: " +
                                std::to_string(body.size()) + "\r\n\r\n" + body;
      net::send_some(client, reply.data(), reply.size());
      net::close(client);
      if (ours) return "http://127.0.0.1:" + std::to_string(port_) + target;
    }
  }

 private:
  void close_fd() {
    if (fd_ != net::invalid_socket) net::close(fd_);
    fd_ = net::invalid_socket;
  }
  net::socket_t fd_ = net::invalid_socket;
  unsigned short port_ = 0;
};

}  // namespace logto_examples
