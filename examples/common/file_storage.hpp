// A logto-cpp storage that keeps each key in its own file, so a session survives a restart of the
// example. POSIX and Windows; examples only.
//
// A storage is any type with get / set / remove (include/logto/storage.hpp). The client stores
// @logto/client's keys there (idToken, refreshToken, accessToken, signInSession), and the refresh
// token is as good as a password for the user's account:
// - on POSIX the directory is created 0700 and every file is written 0600 (only this user may read
//   it); on Windows put it under %LOCALAPPDATA%, whose ACL admits only the user;
// - set() writes a temporary file in the same directory, flushes it to disk and renames it over the
//   old one, so a reader (or a crash) sees the old value or the new one, never half of each;
// - a failed write or remove returns an error (storage.write_failed) that the client passes on.
// A real desktop app should keep these values in the OS credential store instead (macOS Keychain,
// Windows Credential Manager / DPAPI, the Secret Service API / libsecret on Linux), or at least
// encrypt them with a key from there.
#pragma once

#if defined(_WIN32)
#include <winsock2.h>  // first, so a later <winsock2.h> does not meet <windows.h>'s winsock.h
#include <windows.h>   // CreateDirectoryW, CreateFileW, FlushFileBuffers, MoveFileExW
#else
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>
#endif

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <optional>
#include <string>
#include <string_view>
#include <utility>

#include <logto/logto.hpp>  // the one library header: include/ and single_include/ alike

namespace logto_examples {

namespace file_io {
// The few file calls file_storage makes, on POSIX and on Windows. Each returns false and leaves the
// reason in `why` on failure.
#if defined(_WIN32)
// Windows: the directory is expected under the user's profile (%LOCALAPPDATA%), whose ACL already lets
// only that user in; the files inherit it. MoveFileExW with MOVEFILE_REPLACE_EXISTING replaces the old
// file in one step, MOVEFILE_WRITE_THROUGH returns after it reached the disk.
inline std::wstring widen(const std::string& s) {
  const int n = ::MultiByteToWideChar(CP_UTF8, 0, s.data(), static_cast<int>(s.size()), nullptr, 0);
  std::wstring out(static_cast<std::size_t>(n > 0 ? n : 0), L'\0');
  if (n > 0) ::MultiByteToWideChar(CP_UTF8, 0, s.data(), static_cast<int>(s.size()), &out[0], n);
  return out;
}
inline std::string last_error() { return "Windows error " + std::to_string(::GetLastError()); }
inline bool make_private_directory(const std::string& dir, std::string& why) {
  if (::CreateDirectoryW(widen(dir).c_str(), nullptr) || ::GetLastError() == ERROR_ALREADY_EXISTS) {
    const DWORD attributes = ::GetFileAttributesW(widen(dir).c_str());
    if (attributes != INVALID_FILE_ATTRIBUTES && (attributes & FILE_ATTRIBUTE_DIRECTORY) != 0) return true;
    why = dir + " is not a directory";
    return false;
  }
  why = "cannot create " + dir + ": " + last_error();
  return false;
}
inline std::optional<std::string> read_file(const std::string& path) {
  HANDLE f = ::CreateFileW(widen(path).c_str(), GENERIC_READ, FILE_SHARE_READ, nullptr, OPEN_EXISTING,
                           FILE_ATTRIBUTE_NORMAL, nullptr);
  if (f == INVALID_HANDLE_VALUE) return std::nullopt;
  std::string value;
  char buffer[4096];
  DWORD n = 0;
  while (::ReadFile(f, buffer, sizeof buffer, &n, nullptr) && n > 0) value.append(buffer, n);
  ::CloseHandle(f);
  logto::crypto::zeroize(buffer, sizeof buffer);
  return value;
}
inline bool write_file_durably(const std::string& path, const std::string& value, std::string& why) {
  HANDLE f =
      ::CreateFileW(widen(path).c_str(), GENERIC_WRITE, 0, nullptr, CREATE_ALWAYS, FILE_ATTRIBUTE_NORMAL, nullptr);
  if (f == INVALID_HANDLE_VALUE) {
    why = "cannot create " + path + ": " + last_error();
    return false;
  }
  DWORD written = 0;
  const bool ok = ::WriteFile(f, value.data(), static_cast<DWORD>(value.size()), &written, nullptr) &&
                  written == value.size() && ::FlushFileBuffers(f);
  if (!ok) why = "cannot write " + path + ": " + last_error();
  ::CloseHandle(f);
  return ok;
}
inline bool replace_file(const std::string& from, const std::string& to, std::string& why) {
  if (::MoveFileExW(widen(from).c_str(), widen(to).c_str(), MOVEFILE_REPLACE_EXISTING | MOVEFILE_WRITE_THROUGH))
    return true;
  why = "cannot replace " + to + ": " + last_error();
  return false;
}
inline bool remove_file(const std::string& path, std::string& why) {
  if (::DeleteFileW(widen(path).c_str()) || ::GetLastError() == ERROR_FILE_NOT_FOUND) return true;
  why = "cannot remove " + path + ": " + last_error();
  return false;
}
inline std::string unique_suffix() { return std::to_string(::GetCurrentProcessId()); }
#else
// POSIX: the directory is 0700 and every file 0600 (only this user may read them); a temporary file is
// fsynced, then renamed over the old one.
inline bool make_private_directory(const std::string& dir, std::string& why) {
  if (::mkdir(dir.c_str(), 0700) != 0 && errno != EEXIST) {
    why = "cannot create " + dir + ": " + std::strerror(errno);
    return false;
  }
  struct stat st {};
  if (::stat(dir.c_str(), &st) != 0 || !S_ISDIR(st.st_mode)) {
    why = dir + " is not a directory";
    return false;
  }
  if ((st.st_mode & 0077) != 0) ::chmod(dir.c_str(), 0700);  // an existing directory others could read
  return true;
}
inline std::optional<std::string> read_file(const std::string& path) {
  const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
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
inline bool write_file_durably(const std::string& path, const std::string& value, std::string& why) {
  const int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC | O_NOFOLLOW, 0600);
  if (fd < 0) {
    why = "cannot create " + path + ": " + std::strerror(errno);
    return false;
  }
  std::size_t done = 0;
  while (done < value.size()) {
    const ssize_t n = ::write(fd, value.data() + done, value.size() - done);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) break;
    done += static_cast<std::size_t>(n);
  }
  const bool ok = done == value.size() && ::fsync(fd) == 0;
  if (!ok) why = "cannot write " + path + ": " + std::strerror(errno);
  ::close(fd);
  return ok;
}
inline bool replace_file(const std::string& from, const std::string& to, std::string& why) {
  if (::rename(from.c_str(), to.c_str()) == 0) return true;
  why = "cannot replace " + to + ": " + std::strerror(errno);
  return false;
}
inline bool remove_file(const std::string& path, std::string& why) {
  if (::unlink(path.c_str()) == 0 || errno == ENOENT) return true;
  why = "cannot remove " + path + ": " + std::strerror(errno);
  return false;
}
inline std::string unique_suffix() { return std::to_string(::getpid()); }
#endif
}  // namespace file_io

class file_storage {
 public:
  /// Uses (and creates, private to this user) `directory`. Check `ok()`.
  explicit file_storage(std::string directory) : dir_(std::move(directory)) {
    while (dir_.size() > 1 && (dir_.back() == '/' || dir_.back() == '\\')) dir_.pop_back();
    file_io::make_private_directory(dir_, error_);
  }

  bool ok() const { return error_.empty(); }
  /// Why the last operation failed ("" when it did not).
  const std::string& error() const { return error_; }
  const std::string& directory() const { return dir_; }

  std::optional<std::string> get(std::string_view key) { return file_io::read_file(path_for(key)); }

  /// A failed write is reported to the client (which then keeps the old value, says
  /// storage.write_failed and names the key) and remembered in error().
  logto::result<void> set(std::string_view key, std::string value) {
    const std::string target = path_for(key);
    const std::string temp = target + ".tmp." + file_io::unique_suffix();
    std::string why;
    const bool written = file_io::write_file_durably(temp, value, why);
    logto::crypto::wipe(value);
    if (!written || !file_io::replace_file(temp, target, why)) {
      std::string ignored;
      file_io::remove_file(temp, ignored);
      return fail(why);
    }
    error_.clear();
    return logto::ok();
  }

  logto::result<void> remove(std::string_view key) {
    std::string why;
    if (!file_io::remove_file(path_for(key), why)) return fail(why);
    return logto::ok();
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

  logto::error fail(const std::string& why) {
    error_ = why;
    return logto::make_error(logto::errc::storage_write_failed, "file_storage: " + why);
  }

  std::string dir_;
  std::string error_;
};

}  // namespace logto_examples
