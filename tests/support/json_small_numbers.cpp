// LOGTO_JSON_SMALL_NUMBERS=1 (firmware without a general decimal conversion): numbers within the exact
// fast path are read exactly, any other is refused with a message naming the macro. Exit 0 = pass.
#define LOGTO_JSON_SMALL_NUMBERS 1
#include <logto/core/strict_json.hpp>

#include <cstdio>
#include <cstdlib>
#include <cstring>

int main() {
  int failures = 0;
  const char* exact[] = {"0", "-0", "1795350026", "999999999999999", "0.5", "-12.25", "3.14159", "1e22", "1.5e-7",
                         "123456789012345e-22"};
  for (const char* text : exact) {
    auto v = logto::json::parse(text);
    const double expected = std::strtod(text, nullptr);
    if (!v || v->if_number() == nullptr || std::memcmp(v->if_number(), &expected, sizeof expected) != 0) {
      std::printf("FAIL: %s not read exactly\n", text);
      ++failures;
    }
  }
  const char* refused[] = {"1234567890123456", "0.30000000000000004", "1e23", "1e-400", "1e400"};
  for (const char* text : refused) {
    auto v = logto::json::parse(text);
    if (v || v.error().code != logto::errc::invalid_json ||
        (std::strcmp(text, "1e400") != 0 && v.error().message.find("LOGTO_JSON_SMALL_NUMBERS") == std::string::npos)) {
      std::printf("FAIL: %s not refused with the macro named\n", text);
      ++failures;
    }
  }
  std::printf("%s\n", failures == 0 ? "json_small_numbers OK" : "json_small_numbers FAILED");
  return failures == 0 ? 0 : 1;
}
