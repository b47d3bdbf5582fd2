// Hands a sign-in callback URI from the instance the desktop started for `com.example.app://callback?...`
// to the instance that is waiting for it, without a network port:
//   Linux    a Unix domain socket in $XDG_RUNTIME_DIR (else a 0700 directory /tmp/logto-<uid>), so
//            only this user can connect
//   Windows  a named pipe \\.\pipe\logto-<name>-<user>, local clients only
// The waiting instance owns the endpoint (`callback_relay::listen`) and polls `receive`; the second
// instance calls `relay_callback` and exits. One URI per connection, up to 16 KiB. Whoever connects
// can only hand over a URI: the client still checks its state, issuer and code (RFC 6749 10.12).
#pragma once

#include <cstddef>  // std::size_t
#include <string>   // std::string

#include <logto/logto.hpp>  // the one library header: include/ and single_include/ alike

#if defined(_WIN32)
#include <winsock2.h>  // first, so a later <winsock2.h> does not meet <windows.h>'s winsock.h
#include <windows.h>   // CreateNamedPipeW, CreateFileW
#else
#include <cerrno>   // errno
#include <cstdlib>  // std::getenv
#include <poll.h>   // poll
#include <sys/socket.h>
#include <sys/stat.h>  // mkdir, lstat
#include <sys/un.h>    // sockaddr_un
#include <unistd.h>    // close, unlink, getuid
#endif

namespace logto_examples {

constexpr std::size_t relay_max_message = 16 * 1024;

inline logto::error relay_error(const std::string& what) {
  return logto::make_error(logto::errc::transport_error, what);
}

#if defined(_WIN32)

inline std::wstring relay_pipe_name(const std::string& name) {
  wchar_t user[257] = L"";
  DWORD size = 257;
  if (::GetUserNameW(user, &size) == 0) user[0] = L'\0';
  std::wstring out = L"\\\\.\\pipe\\logto-";
  for (char c : name) out += static_cast<wchar_t>(static_cast<unsigned char>(c));
  return out + L"-" + user;
}

class callback_relay {
 public:
  explicit callback_relay(std::string name) : name_(std::move(name)) {}
  callback_relay(const callback_relay&) = delete;
  callback_relay& operator=(const callback_relay&) = delete;
  ~callback_relay() {
    if (pipe_ != INVALID_HANDLE_VALUE) ::CloseHandle(pipe_);
  }

  /// Creates the pipe; fails when another instance already waits on it.
  logto::result<void> listen() {
    // PIPE_NOWAIT: ConnectNamedPipe and ReadFile return at once, so `receive` can be polled per frame.
    pipe_ = ::CreateNamedPipeW(relay_pipe_name(name_).c_str(), PIPE_ACCESS_INBOUND | FILE_FLAG_FIRST_PIPE_INSTANCE,
                               PIPE_TYPE_BYTE | PIPE_READMODE_BYTE | PIPE_NOWAIT | PIPE_REJECT_REMOTE_CLIENTS, 1, 0,
                               static_cast<DWORD>(relay_max_message), 0, nullptr);
    if (pipe_ == INVALID_HANDLE_VALUE) {
      return relay_error("cannot create the pipe for " + name_ + " (is another sign-in already waiting?)");
    }
    return logto::ok();
  }

  /// A URI handed over by another instance, or "" when none came within `timeout_ms`.
  std::string receive(int timeout_ms) {
    const DWORD start = ::GetTickCount();
    for (;;) {
      if (::ConnectNamedPipe(pipe_, nullptr) == 0) {
        const DWORD e = ::GetLastError();
        if (e == ERROR_PIPE_CONNECTED || e == ERROR_NO_DATA) {  // a client is (or was) there: read it
          std::string message = read_all(start, timeout_ms);
          ::DisconnectNamedPipe(pipe_);
          ::ConnectNamedPipe(pipe_, nullptr);  // listening again at once (PIPE_NOWAIT: returns at once)
          if (!message.empty()) return message;
        }
      }
      if (static_cast<int>(::GetTickCount() - start) >= timeout_ms) return std::string();
      ::Sleep(10);
    }
  }

 private:
  std::string read_all(DWORD start, int timeout_ms) {
    std::string message;
    char buf[4096];
    for (;;) {
      DWORD n = 0;
      if (::ReadFile(pipe_, buf, sizeof buf, &n, nullptr) != 0) {
        message.append(buf, n);
        if (message.size() > relay_max_message) return std::string();
        continue;
      }
      const DWORD e = ::GetLastError();
      if (e == ERROR_BROKEN_PIPE) return message;  // the client wrote everything and closed
      if (e != ERROR_NO_DATA || static_cast<int>(::GetTickCount() - start) >= timeout_ms) return std::string();
      ::Sleep(5);
    }
  }

  std::string name_;
  HANDLE pipe_ = INVALID_HANDLE_VALUE;
};

/// The second instance: hands `uri` to the waiting one.
inline logto::result<void> relay_callback(const std::string& name, const std::string& uri) {
  const std::wstring pipe = relay_pipe_name(name);
  HANDLE h = ::CreateFileW(pipe.c_str(), GENERIC_WRITE, 0, nullptr, OPEN_EXISTING, 0, nullptr);
  if (h == INVALID_HANDLE_VALUE && ::GetLastError() == ERROR_PIPE_BUSY && ::WaitNamedPipeW(pipe.c_str(), 5000) != 0) {
    h = ::CreateFileW(pipe.c_str(), GENERIC_WRITE, 0, nullptr, OPEN_EXISTING, 0, nullptr);
  }
  if (h == INVALID_HANDLE_VALUE) return relay_error("no sign-in is waiting for " + name + " (start the app first)");
  DWORD written = 0;
  const BOOL ok = ::WriteFile(h, uri.data(), static_cast<DWORD>(uri.size()), &written, nullptr);
  ::CloseHandle(h);
  if (ok == 0 || written != uri.size()) return relay_error("could not hand the callback to the waiting sign-in");
  return logto::ok();
}

#else

/// $XDG_RUNTIME_DIR/logto-<name>.sock (a per-user 0700 directory), else /tmp/logto-<uid>/<name>.sock in a
/// directory this function creates 0700 and checks is ours (so no other user can plant the socket).
inline logto::result<std::string> relay_socket_path(const std::string& name) {
  std::string dir;
  const char* runtime = std::getenv("XDG_RUNTIME_DIR");
  if (runtime != nullptr && runtime[0] == '/') {
    dir = runtime;
  } else {
    dir = "/tmp/logto-" + std::to_string(::getuid());
    if (::mkdir(dir.c_str(), 0700) != 0 && errno != EEXIST) return relay_error("cannot create " + dir);
    struct stat st {};
    if (::lstat(dir.c_str(), &st) != 0 || !S_ISDIR(st.st_mode) || st.st_uid != ::getuid() || (st.st_mode & 077) != 0) {
      return relay_error(dir + " is not a private directory of this user");
    }
  }
  std::string path = dir + "/logto-" + name + ".sock";
  if (path.size() >= sizeof(sockaddr_un{}.sun_path)) return relay_error("socket path too long: " + path);
  return path;
}

inline sockaddr_un relay_address(const std::string& path) {
  sockaddr_un a{};
  a.sun_family = AF_UNIX;
  path.copy(a.sun_path, path.size());
  return a;
}

class callback_relay {
 public:
  explicit callback_relay(std::string name) : name_(std::move(name)) {}
  callback_relay(const callback_relay&) = delete;
  callback_relay& operator=(const callback_relay&) = delete;
  ~callback_relay() {
    if (fd_ >= 0) {
      ::close(fd_);
      ::unlink(path_.c_str());
    }
  }

  /// Binds the socket; fails when another instance already listens on it. A socket file left behind by
  /// an instance that crashed (nobody accepts on it) is replaced.
  logto::result<void> listen() {
    auto path = relay_socket_path(name_);
    if (!path) return path.error();
    const sockaddr_un a = relay_address(*path);
    const auto* addr = reinterpret_cast<const sockaddr*>(&a);  // NOLINT: the sockets API
    for (int attempt = 0; attempt < 2; ++attempt) {
      const int fd = ::socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
      if (fd < 0) return relay_error("socket() failed");
      if (::bind(fd, addr, sizeof a) == 0 && ::listen(fd, 4) == 0) {
        fd_ = fd;
        path_ = *path;
        return logto::ok();
      }
      const int bind_errno = errno;
      ::close(fd);
      if (bind_errno != EADDRINUSE || attempt > 0) break;
      const int probe = ::socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
      const bool alive = probe >= 0 && ::connect(probe, addr, sizeof a) == 0;
      if (probe >= 0) ::close(probe);
      if (alive) return relay_error("another sign-in is already waiting on " + *path);
      ::unlink(path->c_str());  // stale
    }
    return relay_error("cannot listen on " + *path);
  }

  /// A URI handed over by another instance, or "" when none came within `timeout_ms` (0: just look).
  std::string receive(int timeout_ms) {
    pollfd p{fd_, POLLIN, 0};
    if (::poll(&p, 1, timeout_ms) <= 0) return std::string();
    const int conn = ::accept4(fd_, nullptr, nullptr, SOCK_CLOEXEC);
    if (conn < 0) return std::string();
    std::string message;
    char buf[4096];
    for (;;) {  // until the sender closes; a sender that stalls for 2 s is dropped
      pollfd c{conn, POLLIN, 0};
      if (::poll(&c, 1, 2000) <= 0) {
        message.clear();
        break;
      }
      const ssize_t n = ::read(conn, buf, sizeof buf);
      if (n <= 0) break;
      message.append(buf, static_cast<std::size_t>(n));
      if (message.size() > relay_max_message) {
        message.clear();
        break;
      }
    }
    ::close(conn);
    return message;
  }

 private:
  std::string name_;
  std::string path_;
  int fd_ = -1;
};

/// The second instance: hands `uri` to the waiting one.
inline logto::result<void> relay_callback(const std::string& name, const std::string& uri) {
  auto path = relay_socket_path(name);
  if (!path) return path.error();
  const sockaddr_un a = relay_address(*path);
  const int fd = ::socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd < 0) return relay_error("socket() failed");
  if (::connect(fd, reinterpret_cast<const sockaddr*>(&a), sizeof a) != 0) {  // NOLINT: the sockets API
    ::close(fd);
    return relay_error("no sign-in is waiting on " + *path + " (start the app first)");
  }
  std::size_t sent = 0;
  while (sent < uri.size()) {
    const ssize_t n = ::send(fd, uri.data() + sent, uri.size() - sent, MSG_NOSIGNAL);
    if (n <= 0) break;
    sent += static_cast<std::size_t>(n);
  }
  ::close(fd);
  if (sent != uri.size()) return relay_error("could not hand the callback to the waiting sign-in");
  return logto::ok();
}

#endif

}  // namespace logto_examples
