// A program that includes <iostream> after <logto/logto.hpp> gets all of it.
#include <logto/logto.hpp>
#include <iostream>
#include <string>

std::string logto_iostream_check_serialize();  // iostream_skipped.cpp

int main() {
  const std::string s = logto_iostream_check_serialize();
  std::cout << s << '\n';
  return s == R"({"a":[1,true,null]})" ? 0 : 1;
}
