// The few socket calls the examples make, on POSIX sockets and on Winsock alike (loopback_listener.hpp,
// posix_stream.hpp). Only what differs is wrapped: the socket type, closing, poll, non-blocking mode,
// error codes and the option/length types. The library itself never opens a socket.
#pragma once

#include <climits>  // INT_MAX
#include <cstddef>  // std::size_t
#include <string>   // std::string, std::to_string

#if defined(_WIN32)
#include <winsock2.h>  // SOCKET, WSAPoll, closesocket, ioctlsocket
#include <ws2tcpip.h>  // getaddrinfo, socklen_t
#else
#include <arpa/inet.h>    // htonl, ntohs
#include <fcntl.h>        // fcntl, O_NONBLOCK
#include <netdb.h>        // getaddrinfo
#include <netinet/in.h>   // sockaddr_in, IPPROTO_TCP
#include <netinet/tcp.h>  // TCP_NODELAY
#include <poll.h>         // poll
#include <sys/socket.h>   // socket, connect, send, recv
#include <unistd.h>       // close

#include <cerrno>   // errno
#include <cstring>  // std::strerror
#endif

namespace logto_examples {
namespace net {

#if defined(_WIN32)
using socket_t = SOCKET;
using pollfd_t = WSAPOLLFD;
inline constexpr socket_t invalid_socket = INVALID_SOCKET;

/// Winsock must be started once per process before any other call; this does it on first use.
inline bool startup() {
  static const bool started = [] {
    WSADATA data;
    return ::WSAStartup(MAKEWORD(2, 2), &data) == 0;
  }();
  return started;
}
inline void close(socket_t s) { ::closesocket(s); }
inline int poll(pollfd_t* fds, unsigned long n, int timeout_ms) { return ::WSAPoll(fds, n, timeout_ms); }
inline int last_error() { return ::WSAGetLastError(); }
inline bool would_block(int e) { return e == WSAEWOULDBLOCK || e == WSAEINPROGRESS; }
inline bool interrupted(int e) { return e == WSAEINTR; }
inline bool connection_lost(int e) {
  return e == WSAECONNRESET || e == WSAECONNABORTED || e == WSAENOTCONN || e == WSAESHUTDOWN;
}
inline std::string error_text(int e) { return "Winsock error " + std::to_string(e); }
inline bool set_nonblocking(socket_t s) {
  u_long on = 1;
  return ::ioctlsocket(s, FIONBIO, &on) == 0;
}
inline void set_option(socket_t s, int level, int name, int value) {
  ::setsockopt(s, level, name, reinterpret_cast<const char*>(&value), sizeof value);
}
inline int pending_error(socket_t s) {
  int err = 0;
  int len = sizeof err;
  ::getsockopt(s, SOL_SOCKET, SO_ERROR, reinterpret_cast<char*>(&err), &len);
  return err;
}
inline int clamp(std::size_t n) { return n > static_cast<std::size_t>(INT_MAX) ? INT_MAX : static_cast<int>(n); }
/// Bytes sent or received, or a negative value on error (then see last_error()).
inline long send_some(socket_t s, const char* data, std::size_t n) { return ::send(s, data, clamp(n), 0); }
inline long recv_some(socket_t s, char* data, std::size_t n) { return ::recv(s, data, clamp(n), 0); }
inline int connect(socket_t s, const sockaddr* addr, std::size_t len) {
  return ::connect(s, addr, static_cast<int>(len));
}
#else
using socket_t = int;
using pollfd_t = ::pollfd;
inline constexpr socket_t invalid_socket = -1;

inline bool startup() { return true; }
inline void close(socket_t s) { ::close(s); }
inline int poll(pollfd_t* fds, unsigned long n, int timeout_ms) {
  return ::poll(fds, static_cast<nfds_t>(n), timeout_ms);
}
inline int last_error() { return errno; }
inline bool would_block(int e) { return e == EAGAIN || e == EWOULDBLOCK || e == EINPROGRESS; }
inline bool interrupted(int e) { return e == EINTR; }
inline bool connection_lost(int e) { return e == ECONNRESET || e == EPIPE || e == ENOTCONN; }
inline std::string error_text(int e) { return std::strerror(e); }
inline bool set_nonblocking(socket_t s) {
  const int flags = ::fcntl(s, F_GETFL, 0);
  return flags >= 0 && ::fcntl(s, F_SETFL, flags | O_NONBLOCK) == 0;
}
inline void set_option(socket_t s, int level, int name, int value) {
  ::setsockopt(s, level, name, &value, sizeof value);
}
inline int pending_error(socket_t s) {
  int err = 0;
  socklen_t len = sizeof err;
  ::getsockopt(s, SOL_SOCKET, SO_ERROR, &err, &len);
  return err;
}
#if defined(MSG_NOSIGNAL)
inline constexpr int send_flags = MSG_NOSIGNAL;  // a closed peer is an error, not SIGPIPE
#else
inline constexpr int send_flags = 0;  // macOS: SO_NOSIGPIPE is set on the socket instead
#endif
inline long send_some(socket_t s, const char* data, std::size_t n) { return ::send(s, data, n, send_flags); }
inline long recv_some(socket_t s, char* data, std::size_t n) { return ::recv(s, data, n, 0); }
inline int connect(socket_t s, const sockaddr* addr, std::size_t len) {
  return ::connect(s, addr, static_cast<socklen_t>(len));
}
#endif

}  // namespace net
}  // namespace logto_examples
