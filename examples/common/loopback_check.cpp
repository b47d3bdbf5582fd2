// Runs the examples' loopback listener and TCP stream on this platform (POSIX sockets, or Winsock
// under Windows / wine): the desktop example's redirect listener gets a callback through a real
// loopback connection, answers another path with 404 and a provider error with its own page, and
// the browser opener refuses anything but http(s) (it is compiled here; started, it would open a
// browser). Single-threaded: a connection to a listening socket completes in its backlog, so the
// requests can be written before the listener accepts them. Exit status 0 = pass.
#include <cstdio>
#include <string>

#include "examples/common/loopback_listener.hpp"
#include "examples/common/open_browser.hpp"
#include "examples/common/posix_stream.hpp"

namespace {

int passed = 0;
int failed = 0;

void check(bool ok, const std::string& what) {
  std::printf("%s %s\n", ok ? "ok  " : "FAIL", what.c_str());
  ++(ok ? passed : failed);
}

// Connects to the listener and sends one GET for `target`.
logto::result<logto_examples::posix_stream> request(unsigned short port, const std::string& target) {
  auto s = logto_examples::posix_stream::connect("127.0.0.1", port, 5000);
  if (!s) return s;
  auto sent = s->write("GET " + target + " HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n", 5000);
  if (!sent) return sent.error();
  return s;
}

// Everything the listener answered, up to its close.
std::string reply(logto_examples::posix_stream& s) {
  std::string out;
  char buf[1024];
  for (;;) {
    auto n = s.read(buf, sizeof buf, 5000);
    if (!n || *n == 0) return out;
    out.append(buf, *n);
  }
}

}  // namespace

int main() {
  logto_examples::loopback_listener listener;
  check(listener.ok() && listener.port() != 0, "the listener binds 127.0.0.1 on a port the OS picks");
  const std::string base = "http://127.0.0.1:" + std::to_string(listener.port());
  check(listener.redirect_uri() == base + "/callback", "redirect URI " + listener.redirect_uri());

  auto favicon = request(listener.port(), "/favicon.ico");
  auto callback = request(listener.port(), "/callback?code=abc&state=x%20y");
  check(favicon && callback, "two loopback connections, requests written");
  if (!favicon || !callback) {
    std::printf("%s\n", (favicon ? callback : favicon).error().message.c_str());
    std::printf("%d passed, %d failed\n", passed, failed + 1);
    return 1;
  }
  const std::string url = listener.wait_for_callback(5000);
  check(url == base + "/callback?code=abc&state=x%20y", "the callback URL comes back whole: " + url);
  check(reply(*favicon).rfind("HTTP/1.1 404 Not Found\r\n", 0) == 0, "another path is answered 404 and skipped");
  const std::string page = reply(*callback);
  check(page.rfind("HTTP/1.1 200 OK\r\n", 0) == 0 && page.find("<title>Signed in</title>") != std::string::npos,
        "the browser gets the signed-in page");

  auto denied = request(listener.port(), "/callback?error=access_denied&state=s");
  check(static_cast<bool>(denied), "a third connection");
  if (denied) {
    check(listener.wait_for_callback(5000) == base + "/callback?error=access_denied&state=s",
          "a provider error is handed over too (the client reports it)");
    check(reply(*denied).find("<title>Sign-in failed</title>") != std::string::npos, "with the failure page");
  }
  check(listener.wait_for_callback(20).empty(), "no request: an empty URL once the wait ends");

  check(!logto_examples::open_in_browser("file:///etc/passwd"), "the opener refuses a file URL");
  check(!logto_examples::open_in_browser("calc.exe"), "the opener refuses a program name");

  std::printf("%d passed, %d failed\n", passed, failed);
  return failed == 0 ? 0 : 1;
}
