// Opens a URL in the user's default browser, never through a shell (the URL is data, not a command):
// ShellExecuteW on Windows, `open` on macOS, `xdg-open` elsewhere (posix_spawnp). Only http and
// https URLs are opened, so a crafted "URL" cannot start a program or open a local file.
#pragma once

#include <string>  // std::string, std::wstring

#if defined(_WIN32)
#include <windows.h>   // MultiByteToWideChar
#include <shellapi.h>  // ShellExecuteW
#else
#include <spawn.h>     // posix_spawnp
#include <sys/wait.h>  // waitpid

extern char** environ;
#endif

namespace logto_examples {

inline bool is_web_url(const std::string& url) { return url.rfind("https://", 0) == 0 || url.rfind("http://", 0) == 0; }

#if defined(_WIN32)
/// Starts the default browser on `url` (UTF-8); false when it could not.
inline bool open_in_browser(const std::string& url) {
  if (!is_web_url(url) || url.size() > 32767) return false;
  const int size = static_cast<int>(url.size());
  const int n = ::MultiByteToWideChar(CP_UTF8, MB_ERR_INVALID_CHARS, url.data(), size, nullptr, 0);
  if (n <= 0) return false;
  std::wstring wide(static_cast<std::size_t>(n), L'\0');
  ::MultiByteToWideChar(CP_UTF8, MB_ERR_INVALID_CHARS, url.data(), size, &wide[0], n);
  const HINSTANCE h = ::ShellExecuteW(nullptr, L"open", wide.c_str(), nullptr, nullptr, SW_SHOWNORMAL);
  return reinterpret_cast<INT_PTR>(h) > 32;  // ShellExecute's success convention
}
#else
/// Starts the default browser on `url`; false when it could not. The opener is reaped in the
/// background by the caller's exit (xdg-open and open return at once).
inline bool open_in_browser(const std::string& url) {
  if (!is_web_url(url)) return false;
#if defined(__APPLE__)
  const char* opener = "open";
#else
  const char* opener = "xdg-open";
#endif
  std::string program = opener;
  std::string argument = url;
  char* argv[] = {program.data(), argument.data(), nullptr};
  pid_t pid = -1;
  if (::posix_spawnp(&pid, opener, nullptr, nullptr, argv, environ) != 0) return false;
  ::waitpid(pid, nullptr, WNOHANG);  // reaped now if it already exited
  return true;
}
#endif

}  // namespace logto_examples
