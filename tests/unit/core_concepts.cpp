// The host-facing C++20 concepts (logto::transport, logto::storage, logto::smtp::stream) agree with the
// C++17 detection traits the library's static_asserts use, and a host can constrain its own templates
// with them. The cxx20 build of the test command compiles this file with concepts; C++17 builds check the
// traits alone.
#include <logto/http.hpp>
#include <logto/smtp/stream.hpp>
#include <logto/storage.hpp>

#include <string>
#include <string_view>

#include "catch2_compat.hpp"

namespace {

struct good_transport {
  logto::result<logto::http_response> send(const logto::http_request&) { return logto::http_response{200, {}, {}}; }
};
struct wrong_return_transport {
  logto::http_response send(const logto::http_request&) { return {}; }
};
struct good_stream {
  logto::result<std::size_t> read(char*, std::size_t, int) { return std::size_t{0}; }
  logto::result<void> write(std::string_view, int) { return logto::ok(); }
  void close() {}
};
struct not_a_storage {
  std::string get(std::string_view) { return {}; }
};

static_assert(logto::is_transport<good_transport>::value, "a transport");
static_assert(!logto::is_transport<wrong_return_transport>::value, "send must return result<http_response>");
static_assert(logto::is_storage<logto::memory_storage>::value, "memory_storage is a storage");
static_assert(!logto::is_storage<not_a_storage>::value, "get alone is no storage");
static_assert(logto::smtp::is_stream<good_stream>::value, "a stream");
static_assert(!logto::smtp::is_stream<good_transport>::value, "a transport is no stream");

#if defined(__cpp_concepts) && __cpp_concepts >= 201907L
static_assert(logto::transport<good_transport> && !logto::transport<wrong_return_transport>);
static_assert(logto::storage<logto::memory_storage> && !logto::storage<not_a_storage>);
static_assert(logto::smtp::stream<good_stream> && !logto::smtp::stream<good_transport>);

// What a host writes: its own templates constrained by the library's concepts.
template <logto::transport T>
int status_of(T& t) {
  auto r = t.send(logto::http_request{"GET", "http://127.0.0.1/", {}, {}});
  return r ? r->status : 0;
}
constexpr bool concepts_checked = true;
#else
template <class T>
int status_of(T& t) {
  auto r = t.send(logto::http_request{"GET", "http://127.0.0.1/", {}, {}});
  return r ? r->status : 0;
}
constexpr bool concepts_checked = false;
#endif

}  // namespace

TEST_CASE("host concepts agree with the detection traits", "[core][concepts]") {
  good_transport t;
  CHECK(status_of(t) == 200);
#if defined(__cpp_concepts) && __cpp_concepts >= 201907L
  CHECK(concepts_checked);
#else
  CHECK_FALSE(concepts_checked);
#endif
}
