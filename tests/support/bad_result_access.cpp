// Reads the value of a failed result: the process must abort after saying which error it was
// (tests/CMakeLists.txt checks stderr), or after calling the host's handler when argv[1] is "handler".
#include <logto/logto.hpp>  // the single header too (LOGTO_SINGLE_HEADER builds)

#include <cstdio>
#include <cstring>

namespace {
void host_handler(const logto::error* e) noexcept {
  std::fprintf(stderr, "host handler saw %s\n", e != nullptr ? e->message.c_str() : "(null)");
}
logto::result<int> failing() {
  return logto::make_error(logto::errc::session_expired, "the session is gone; sign in again", "invalid_grant");
}
}  // namespace

int main(int argc, char** argv) {
  if (argc > 1 && std::strcmp(argv[1], "handler") == 0) {
    auto previous = logto::set_bad_result_access_handler(&host_handler);
    if (previous == nullptr) return 3;  // the default handler must be installed
  }
  auto r = failing();
  return *r;  // aborts
}
