// <logto/logto.hpp> does not bring in <iostream> (whose static std::ios_base::Init object costs a
// statically linked device 173 KB of flash): the library has no stream in its JSON or anywhere else.
#include <logto/logto.hpp>

#if defined(__GLIBCXX__) && defined(_GLIBCXX_IOSTREAM)
#error "<logto/logto.hpp> included <iostream>"
#endif
// In C++17 no stream header at all (from C++20, libstdc++'s own <chrono> brings <sstream>).
#if defined(__GLIBCXX__) && __cplusplus < 202002L && (defined(_GLIBCXX_ISTREAM) || defined(_GLIBCXX_OSTREAM))
#error "<logto/logto.hpp> included <istream> or <ostream>"
#endif

#include <string>

std::string logto_iostream_check_serialize() {
  auto v = logto::json::parse(R"({"a":[1,true,null]})");
  return v ? logto::json::stringify(*v) : std::string();
}
