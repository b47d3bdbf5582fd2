// LOGTO_JSON_SMALL_NUMBERS=1 (firmware without a general decimal conversion): numbers within the exact
// fast path are read exactly, any other is refused with a message naming the macro; the writer, which
// links no general conversion either, writes what JavaScript writes for them. Exit 0 = pass.
#define LOGTO_JSON_SMALL_NUMBERS 1
#include <logto/logto.hpp>  // the umbrella: the single-header build has only this one

#include <cstdint>
#include <cstdio>
#include <string>
#include <cstdlib>
#include <cstring>

int main() {
  int failures = 0;
  const char* exact[] = {"0",      "-0",      "1795350026", "999999999999999", "0.5",
                         "-12.25", "3.14159", "1e22",       "1.5e-7",          "123456789012345e-22"};
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
  // The writer: no to_chars in this mode. For numbers whose shortest round-trip form has at most 15
  // significant digits and a power of ten within +-22, it must write what JavaScript writes. The oracle
  // is C's correctly rounded printf: the fewest digits p for which "%.{p-1}e" reads back as the value.
  std::uint64_t state = 88172645463325252ULL;
  int compared = 0;
  for (int i = 0; i < 20000; ++i) {
    state ^= state << 13;
    state ^= state >> 7;
    state ^= state << 17;
    const int exp10 = static_cast<int>((state >> 8) % 30) - 15;
    char text[64];
    std::snprintf(text, sizeof text, "%llue%d", static_cast<unsigned long long>((state >> 16) % 1000000000000000ULL),
                  exp10);
    const double v = std::strtod(text, nullptr);
    if (!(v > 0)) continue;
    int p = 1;
    char oracle[64];
    for (; p <= 17; ++p) {
      std::snprintf(oracle, sizeof oracle, "%.*e", p - 1, v);
      if (std::strtod(oracle, nullptr) == v) break;
    }
    const int oracle_exp = std::atoi(std::strchr(oracle, 'e') + 1);
    if (p > 15 || oracle_exp - (p - 1) < -22 || oracle_exp - (p - 1) > 22) continue;  // outside the exact mode
    std::string out;
    logto::json::append_js_number(out, v);
    const double back = std::strtod(out.c_str(), nullptr);
    std::string sig;  // the oracle's significant digits
    for (const char* c = oracle; *c != 'e'; ++c) {
      if (*c >= '0' && *c <= '9') sig += *c;
    }
    while (sig.size() > 1 && sig.back() == '0') sig.pop_back();
    std::string ours;
    for (const char c : out) {
      if (c == 'e') break;
      if (c >= '0' && c <= '9') ours += c;
    }
    while (ours.size() > 1 && ours.front() == '0') ours.erase(0, 1);
    while (ours.size() > 1 && ours.back() == '0') ours.pop_back();
    if (back != v || ours != sig) {
      std::printf("FAIL: %s written as %s (shortest digits %s)\n", text, out.c_str(), sig.c_str());
      ++failures;
    }
    ++compared;
  }
  if (compared < 10000) {
    std::printf("FAIL: only %d numbers compared\n", compared);
    ++failures;
  }
  std::printf("%s\n", failures == 0 ? "json_small_numbers OK" : "json_small_numbers FAILED");
  return failures == 0 ? 0 : 1;
}
