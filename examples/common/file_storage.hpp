// A logto-cpp storage that keeps each key in its own file, so a session survives a restart of the
// example. POSIX; examples only.
//
// A storage is any type with get / set / remove (include/logto/storage.hpp). The client stores
// @logto/client's keys there (idToken, refreshToken, accessToken, signInSession), and the refresh
// token is as good as a password for the user's account:
// - the directory is created 0700 and every file is written 0600 (only this user may read it);
// - set() writes a temporary file in the same directory, fsyncs it and renames it over the old one,
//   so a reader (or a crash) sees the old value or the new one, never half of each.
// A real desktop app should keep these values in the OS credential store instead (macOS Keychain,
// Windows Credential Manager / DPAPI, the Secret Service API / libsecret on Linux), or at least
// encrypt them with a key from there.
#pragma once

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <optional>
#include <string>
#include <string_view>
#include <utility>

#include <logto/core/crypto.hpp>

namespace logto_examples {

class file_storage {
 public:
  /// Uses (and creates, 0700) `directory`. Check `ok()`.
  explicit file_storage(std::string directory) : dir_(std::move(directory)) {
    while (dir_.size() > 1 && dir_.back() == '/') dir_.pop_back();
    if (::mkdir(dir_.c_str(), 0700) != 0 && errno != EEXIST) {
      error_ = "cannot create " + dir_ + ": " + std::strerror(errno);
      return;
    }
    struct stat st {};
    if (::stat(dir_.c_str(), &st) != 0 || !S_ISDIR(st.st_mode)) {
      error_ = dir_ + " is not a directory";
      return;
    }
    if ((st.st_mode & 0077) != 0) ::chmod(dir_.c_str(), 0700);  // an existing directory others could read
  }

  bool ok() const { return error_.empty(); }
  /// Why the last operation failed ("" when it did not).
  const std::string& error() const { return error_; }
  const std::string& directory() const { return dir_; }

  std::optional<std::string> get(std::string_view key) {
    const int fd = ::open(path_for(key).c_str(), O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
    if (fd < 0) return std::nullopt;  // ENOENT: not stored
    std::string value;
    char buffer[4096];
    for (;;) {
      const ssize_t n = ::read(fd, buffer, sizeof buffer);
      if (n < 0 && errno == EINTR) continue;
      if (n <= 0) break;
      value.append(buffer, static_cast<std::size_t>(n));
    }
    ::close(fd);
    logto::crypto::zeroize(buffer, sizeof buffer);
    return value;
  }

  void set(std::string_view key, std::string value) {
    const std::string target = path_for(key);
    const std::string temp = target + ".tmp." + std::to_string(::getpid());
    const int fd = ::open(temp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC | O_NOFOLLOW, 0600);
    if (fd < 0) {
      fail("cannot create " + temp);
      logto::crypto::wipe(value);
      return;
    }
    std::size_t done = 0;
    bool written = true;
    while (done < value.size()) {
      const ssize_t n = ::write(fd, value.data() + done, value.size() - done);
      if (n < 0 && errno == EINTR) continue;
      if (n <= 0) {
        written = false;
        break;
      }
      done += static_cast<std::size_t>(n);
    }
    logto::crypto::wipe(value);
    written = written && ::fsync(fd) == 0;
    ::close(fd);
    if (!written || ::rename(temp.c_str(), target.c_str()) != 0) {
      fail("cannot write " + target);
      ::unlink(temp.c_str());
      return;
    }
    error_.clear();
  }

  void remove(std::string_view key) {
    if (::unlink(path_for(key).c_str()) != 0 && errno != ENOENT) fail("cannot remove " + path_for(key));
  }

 private:
  // One file per key. The client's keys are plain names; anything else is %-escaped so that a key can
  // never name a path outside the directory.
  std::string path_for(std::string_view key) const {
    static const char hex[] = "0123456789ABCDEF";
    std::string name;
    for (const char ch : key) {
      const auto c = static_cast<unsigned char>(ch);
      const bool plain =
          (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' || c == '-';
      if (plain) {
        name += ch;
      } else {
        name += '%';
        name += hex[c >> 4];
        name += hex[c & 15];
      }
    }
    if (name.empty()) name = "%";
    return dir_ + "/" + name;
  }

  // The storage interface has no error channel: remember the reason and say it on stderr.
  void fail(const std::string& what) {
    error_ = what + ": " + std::strerror(errno);
    std::fprintf(stderr, "file_storage: %s\n", error_.c_str());
  }

  std::string dir_;
  std::string error_;
};

}  // namespace logto_examples
