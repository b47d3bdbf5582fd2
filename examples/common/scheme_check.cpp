// Runs the custom-scheme sign-in's host pieces on this platform, with no browser, network or libcurl:
// the callback relay (a Unix domain socket, or a named pipe under Windows / wine) hands a URI from a
// "second instance" to the listening one, refuses a second listener and reports when nobody listens;
// on Windows the scheme registration is written to HKCU\Software\Classes, read back and removed; on
// Linux the Desktop Entry Exec quoting is checked (the registration itself runs in
// tests/interop/scheme/scheme_sign_in.sh). Single-threaded: the sender's bytes wait in the socket or
// pipe buffer until the listener reads them. Exit status 0 = pass.
#include <cstdio>
#include <string>

#include "examples/common/callback_relay.hpp"
#include "examples/common/url_scheme.hpp"

namespace {

int passed = 0;
int failed = 0;

void check(bool ok, const std::string& what) {
  std::printf("%s %s\n", ok ? "ok  " : "FAIL", what.c_str());
  ++(ok ? passed : failed);
}

#if defined(_WIN32)
std::wstring registry_string(const std::wstring& path, const wchar_t* name) {
  wchar_t buf[2048];
  DWORD size = sizeof buf;
  if (::RegGetValueW(HKEY_CURRENT_USER, path.c_str(), name, RRF_RT_REG_SZ, nullptr, buf, &size) != ERROR_SUCCESS) {
    return L"<absent>";
  }
  return buf;
}
#endif

}  // namespace

int main() {
#if defined(_WIN32)
  const std::string name = "com.example.check-" + std::to_string(::GetCurrentProcessId());
#else
  const std::string name = "com.example.check-" + std::to_string(::getpid());
#endif
  const std::string uri = "com.example.check://callback?code=abc&state=xyz";

  check(!logto_examples::relay_callback(name, uri), "relay_callback fails when no sign-in is waiting");
  {
    logto_examples::callback_relay relay(name);
    check(static_cast<bool>(relay.listen()), "the waiting instance listens");
    logto_examples::callback_relay second(name);
    check(!second.listen(), "a second waiting instance is refused");
    check(relay.receive(0).empty(), "nothing received before anyone sent");
    check(static_cast<bool>(logto_examples::relay_callback(name, uri)), "the second instance hands over the URI");
    check(relay.receive(5000) == uri, "the waiting instance receives it unchanged");
    const std::string longer(9000, 'x');
    check(static_cast<bool>(logto_examples::relay_callback(name, longer)), "a 9000-byte URI is sent");
    const std::string got = relay.receive(5000);
    check(got == longer, "... and arrives whole (" + std::to_string(got.size()) + " bytes)");
  }
  check(!logto_examples::relay_callback(name, uri), "nobody listens once the waiting instance is gone");

  check(logto_examples::is_url_scheme("com.example.app") && !logto_examples::is_url_scheme("Com.Example") &&
            !logto_examples::is_url_scheme("1app") && !logto_examples::is_url_scheme("a b"),
        "URL scheme syntax (RFC 3986 3.1, lower case)");
#if defined(_WIN32)
  const std::string scheme = "com.example.logto-check";
  const std::wstring base = L"Software\\Classes\\com.example.logto-check";
  auto where = logto_examples::register_url_scheme(scheme, "C:\\Program Files\\My Game\\game.exe", "My Game");
  check(static_cast<bool>(where), "register_url_scheme writes HKCU\\Software\\Classes\\" + scheme);
  check(registry_string(base, nullptr) == L"URL:My Game", "(Default) = URL:My Game");
  check(registry_string(base, L"URL Protocol").empty(), "URL Protocol = \"\"");
  check(registry_string(base + L"\\shell\\open\\command", nullptr) ==
            L"\"C:\\Program Files\\My Game\\game.exe\" --callback \"%1\"",
        "shell\\open\\command runs the program with --callback \"%1\"");
  check(
      static_cast<bool>(logto_examples::unregister_url_scheme(scheme)) && registry_string(base, nullptr) == L"<absent>",
      "unregister_url_scheme removes the key");
#elif !defined(__APPLE__)
  check(logto_examples::desktop_exec_argument("/usr/bin/game") == "/usr/bin/game", "a plain path stays unquoted");
  check(logto_examples::desktop_exec_argument("/opt/My Game/game") == "\"/opt/My Game/game\"",
        "a path with a space is quoted");
  check(logto_examples::desktop_exec_argument("/opt/a$b\\c%d") == "\"/opt/a\\\\$b\\\\\\\\c%%d\"",
        "$ and \\ are escaped twice, % doubled (Desktop Entry Specification, Exec key)");
#endif
  std::printf("%d passed, %d failed\n", passed, failed);
  return failed == 0 ? 0 : 1;
}
