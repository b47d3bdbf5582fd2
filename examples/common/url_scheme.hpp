// Registers a custom URL scheme (`com.example.app://...`) for the current user, so that the browser
// hands a sign-in redirect to this program, as `@logto/capacitor` does on phones (RFC 8252 7.1,
// "private-use URI scheme redirection"):
//   Linux    a Desktop Entry with MimeType=x-scheme-handler/<scheme> in $XDG_DATA_HOME/applications
//            (default ~/.local/share/applications), made the default with `xdg-mime default`
//   Windows  HKCU\Software\Classes\<scheme> with "URL Protocol" and shell\open\command
//   macOS    not at run time: the app bundle's Info.plist declares CFBundleURLTypes
//            (examples/scheme_sign_in/README.md)
// The registered command is `"<executable>" --callback <uri>`: a second instance that passes the URI to
// the running one (examples/common/callback_relay.hpp). Nothing here goes through a shell.
#pragma once

#include <cerrno>   // errno
#include <cstdio>   // std::FILE
#include <cstdlib>  // std::getenv
#include <string>   // std::string
#include <vector>   // std::vector

#include <logto/logto.hpp>  // the one library header: include/ and single_include/ alike

#if defined(_WIN32)
#include <winsock2.h>  // first, so a later <winsock2.h> does not meet <windows.h>'s winsock.h
#include <windows.h>   // RegCreateKeyExW, RegSetValueExW, RegDeleteTreeW
#else
#include <spawn.h>     // posix_spawnp
#include <sys/stat.h>  // mkdir
#include <sys/wait.h>  // waitpid
#include <unistd.h>    // unlink, readlink

extern char** environ;
#endif

namespace logto_examples {

/// RFC 3986 3.1: ALPHA *( ALPHA / DIGIT / "+" / "-" / "." ). Lower case only, as Logto and the desktop
/// databases compare schemes without folding case.
inline bool is_url_scheme(const std::string& s) {
  if (s.empty() || !(s[0] >= 'a' && s[0] <= 'z')) return false;
  for (char c : s) {
    const bool ok = (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '+' || c == '-' || c == '.';
    if (!ok) return false;
  }
  return true;
}

inline logto::error scheme_error(const std::string& what) {
  return logto::make_error(logto::errc::invalid_argument, what);
}

#if defined(_WIN32)

inline std::wstring widen(const std::string& s) {
  if (s.empty()) return std::wstring();
  const int size = static_cast<int>(s.size());
  const int n = ::MultiByteToWideChar(CP_UTF8, 0, s.data(), size, nullptr, 0);
  std::wstring out(static_cast<std::size_t>(n > 0 ? n : 0), L'\0');
  if (n > 0) ::MultiByteToWideChar(CP_UTF8, 0, s.data(), size, &out[0], n);
  return out;
}

inline bool set_registry_string(HKEY root, const std::wstring& path, const wchar_t* name, const std::wstring& value) {
  HKEY key = nullptr;
  if (::RegCreateKeyExW(root, path.c_str(), 0, nullptr, 0, KEY_SET_VALUE, nullptr, &key, nullptr) != ERROR_SUCCESS) {
    return false;
  }
  const auto bytes = static_cast<DWORD>((value.size() + 1) * sizeof(wchar_t));
  const LONG status =
      ::RegSetValueExW(key, name, 0, REG_SZ, reinterpret_cast<const BYTE*>(value.c_str()), bytes);  // NOLINT
  ::RegCloseKey(key);
  return status == ERROR_SUCCESS;
}

/// HKCU\Software\Classes\<scheme>: no administrator rights needed, and only this user is affected.
/// Returns the registry path it wrote.
inline logto::result<std::string> register_url_scheme(const std::string& scheme, const std::string& executable,
                                                      const std::string& app_name) {
  if (!is_url_scheme(scheme)) return scheme_error("not a lower-case URL scheme: " + scheme);
  const std::wstring base = L"Software\\Classes\\" + widen(scheme);
  // "%1" is the URI; quoted, so that Windows passes it as one argument whatever it contains.
  const std::wstring command = L"\"" + widen(executable) + L"\" --callback \"%1\"";
  if (!set_registry_string(HKEY_CURRENT_USER, base, nullptr, widen("URL:" + app_name)) ||
      !set_registry_string(HKEY_CURRENT_USER, base, L"URL Protocol", L"") ||
      !set_registry_string(HKEY_CURRENT_USER, base + L"\\shell\\open\\command", nullptr, command)) {
    return scheme_error("could not write HKEY_CURRENT_USER\\Software\\Classes\\" + scheme);
  }
  return "HKEY_CURRENT_USER\\Software\\Classes\\" + scheme;
}

/// This program's own path (UTF-8), for the registered command.
inline std::string self_executable() {
  wchar_t buf[32768];
  const DWORD n = ::GetModuleFileNameW(nullptr, buf, 32768);
  if (n == 0 || n >= 32768) return std::string();
  const int size = ::WideCharToMultiByte(CP_UTF8, 0, buf, static_cast<int>(n), nullptr, 0, nullptr, nullptr);
  std::string out(static_cast<std::size_t>(size > 0 ? size : 0), '\0');
  if (size > 0) ::WideCharToMultiByte(CP_UTF8, 0, buf, static_cast<int>(n), &out[0], size, nullptr, nullptr);
  return out;
}

inline logto::result<void> unregister_url_scheme(const std::string& scheme) {
  if (!is_url_scheme(scheme)) return scheme_error("not a lower-case URL scheme: " + scheme);
  const std::wstring base = L"Software\\Classes\\" + widen(scheme);
  const LONG status = ::RegDeleteTreeW(HKEY_CURRENT_USER, base.c_str());
  if (status != ERROR_SUCCESS && status != ERROR_FILE_NOT_FOUND) {
    return scheme_error("could not delete HKEY_CURRENT_USER\\Software\\Classes\\" + scheme);
  }
  return logto::ok();
}

#elif defined(__APPLE__)

inline std::string self_executable() { return std::string(); }  // unused: the bundle declares the handler

inline logto::result<std::string> register_url_scheme(const std::string& scheme, const std::string&,
                                                      const std::string&) {
  return scheme_error("macOS registers " + scheme +
                      ":// from the app bundle's Info.plist (CFBundleURLTypes), not at run time: see "
                      "examples/scheme_sign_in/README.md");
}
inline logto::result<void> unregister_url_scheme(const std::string& scheme) {
  return scheme_error("macOS: remove CFBundleURLTypes for " + scheme + " from Info.plist");
}

#else  // Linux and other freedesktop.org systems

/// Runs a program with arguments (no shell) and waits for it; its exit status, or -1.
inline int run_program(std::vector<std::string> args) {
  std::vector<char*> argv;
  for (auto& a : args) argv.push_back(a.data());
  argv.push_back(nullptr);
  pid_t pid = -1;
  if (::posix_spawnp(&pid, argv[0], nullptr, nullptr, argv.data(), environ) != 0) return -1;
  int status = 0;
  if (::waitpid(pid, &status, 0) != pid || !WIFEXITED(status)) return -1;
  return WEXITSTATUS(status);
}

/// This program's own path (Linux: /proc/self/exe), for the registered command.
inline std::string self_executable() {
  char buf[4096];
  const ssize_t n = ::readlink("/proc/self/exe", buf, sizeof buf - 1);
  return n > 0 ? std::string(buf, static_cast<std::size_t>(n)) : std::string();
}

/// $XDG_DATA_HOME/applications, or ~/.local/share/applications (XDG Base Directory Specification).
inline std::string desktop_entry_dir() {
  const char* data_home = std::getenv("XDG_DATA_HOME");
  if (data_home != nullptr && data_home[0] == '/') return std::string(data_home) + "/applications";
  const char* home = std::getenv("HOME");
  return std::string(home != nullptr ? home : "") + "/.local/share/applications";
}

inline std::string desktop_entry_id(const std::string& scheme) { return scheme + "-url-handler.desktop"; }

/// One argument of a Desktop Entry's Exec key (Desktop Entry Specification, "The Exec key"): as is when
/// it has no reserved character (xdg-open's generic fallback, used outside GNOME/KDE/Xfce, splits Exec
/// at spaces and does not understand quotes); else quoted, with `"`, backquote, `$` and `\` escaped and
/// then the string-value escape applied to the backslashes. `%` is doubled (a field code otherwise).
inline std::string desktop_exec_argument(const std::string& arg) {
  if (arg.find_first_of(" \t\n\"'\\><~|&;$*?#()`") == std::string::npos) {
    std::string plain;
    for (char c : arg) plain += c == '%' ? std::string("%%") : std::string(1, c);
    return plain;
  }
  std::string quoted = "\"";
  for (char c : arg) {
    if (c == '"' || c == '`' || c == '$') {
      quoted += "\\\\";
      quoted += c;
    } else if (c == '\\') {
      quoted += "\\\\\\\\";
    } else if (c == '%') {
      quoted += "%%";
    } else {
      quoted += c;
    }
  }
  return quoted + "\"";
}

inline bool make_dirs(const std::string& path) {
  for (std::size_t i = 1; i <= path.size(); ++i) {
    if (i != path.size() && path[i] != '/') continue;
    const std::string part = path.substr(0, i);
    if (::mkdir(part.c_str(), 0700) != 0 && errno != EEXIST) return false;
  }
  return true;
}

/// Writes the Desktop Entry and makes it the user's handler of `scheme` (xdg-mime, from xdg-utils).
/// Returns the path of the entry.
inline logto::result<std::string> register_url_scheme(const std::string& scheme, const std::string& executable,
                                                      const std::string& app_name) {
  if (!is_url_scheme(scheme)) return scheme_error("not a lower-case URL scheme: " + scheme);
  if (executable.empty() || executable[0] != '/' || executable.find('\n') != std::string::npos) {
    return scheme_error("the handler must be an absolute path: " + executable);
  }
  const std::string dir = desktop_entry_dir();
  if (!make_dirs(dir)) return scheme_error("cannot create " + dir);
  const std::string id = desktop_entry_id(scheme);
  const std::string path = dir + "/" + id;
  std::FILE* f = std::fopen(path.c_str(), "w");
  if (f == nullptr) return scheme_error("cannot write " + path);
  // NoDisplay: a handler, not an app to show in menus. %u: the one URI the browser hands over.
  const std::string entry = "[Desktop Entry]\nType=Application\nName=" + app_name +
                            " (sign-in callback)\nExec=" + desktop_exec_argument(executable) +
                            " --callback %u\nMimeType=x-scheme-handler/" + scheme +
                            ";\nNoDisplay=true\nTerminal=false\n";
  const bool written = std::fwrite(entry.data(), 1, entry.size(), f) == entry.size();
  if (std::fclose(f) != 0 || !written) return scheme_error("cannot write " + path);
  if (run_program({"xdg-mime", "default", id, "x-scheme-handler/" + scheme}) != 0) {
    return scheme_error("`xdg-mime default " + id + " x-scheme-handler/" + scheme +
                        "` failed; is xdg-utils installed? The entry is at " + path);
  }
  // Desktops that read the cache (GNOME, KDE) see the new MimeType at once; a missing tool is fine.
  (void)run_program({"update-desktop-database", "-q", dir});
  return path;
}

/// Removes the Desktop Entry (xdg-mime then finds no handler for the scheme).
inline logto::result<void> unregister_url_scheme(const std::string& scheme) {
  if (!is_url_scheme(scheme)) return scheme_error("not a lower-case URL scheme: " + scheme);
  const std::string path = desktop_entry_dir() + "/" + desktop_entry_id(scheme);
  if (::unlink(path.c_str()) != 0 && errno != ENOENT) return scheme_error("cannot remove " + path);
  return logto::ok();
}

#endif

}  // namespace logto_examples
