// <logto/logto.hpp> does not bring in <iostream> (whose static std::ios_base::Init object costs a
// statically linked device 173 KB of flash), yet picojson's stream operators still work.
#include <logto/logto.hpp>

#if defined(__GLIBCXX__) && defined(_GLIBCXX_IOSTREAM)
#error "<logto/logto.hpp> included <iostream>"
#endif

#include <sstream>
#include <string>

std::string logto_iostream_check_serialize() {
  picojson::value v;
  std::istringstream in(R"({"a":[1,true,null]})");
  in >> v;  // picojson's operator>> (needs only <istream>)
  std::ostringstream out;
  out << v;  // picojson's operator<< (needs only <ostream>)
  return out.str();
}
