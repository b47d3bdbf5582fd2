// Shared benchmark plumbing: fixtures, registries, statistics, callgrind toggles.
#include "bench.hpp"

#include <algorithm>
#include <array>
#include <cstdlib>
#include <fstream>
#include <map>
#include <sstream>
#include <stdexcept>

#include <time.h>

#include <valgrind/callgrind.h>

namespace bench {

std::string read_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw std::runtime_error("cannot read " + path);
  std::ostringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

static std::string& fixture_dir_storage() {
  static std::string dir;
  return dir;
}
const std::string& fixture_dir() { return fixture_dir_storage(); }
void set_fixture_dir(std::string dir) { fixture_dir_storage() = std::move(dir); }

static std::string trim(std::string s) {
  while (!s.empty() && (s.back() == '\n' || s.back() == '\r' || s.back() == ' ')) s.pop_back();
  return s;
}

const std::vector<std::string>& jwt_case_names() {
  static const std::vector<std::string> names{"ES384", "ES256", "RS256-2048", "RS256-4096"};
  return names;
}

const std::vector<payload_case>& payload_cases() {
  static const std::vector<payload_case> cases = [] {
    std::vector<payload_case> v;
    for (const char* c : {"ES256", "ES384", "RS256-2048"}) {
      for (const char* s : {"1KB", "16KB", "64KB"}) v.push_back({c, s, std::string(c) + "-" + s});
    }
    return v;
  }();
  return cases;
}

const jwt_fixture& jwt_case(const std::string& name) {
  static std::map<std::string, jwt_fixture> cache;
  auto it = cache.find(name);
  if (it != cache.end()) return it->second;
  const std::string d = fixture_dir() + "/" + name + "/";
  jwt_fixture f;
  f.name = name;
  f.alg = trim(read_file(d + "alg"));
  f.token = trim(read_file(d + "token"));
  f.tampered_sig = trim(read_file(d + "tampered_sig"));
  f.tampered_payload = trim(read_file(d + "tampered_payload"));
  f.access_token = trim(read_file(d + "access_token"));
  f.pub_pem = read_file(d + "pub.pem");
  f.jwk_json = trim(read_file(d + "jwk.json"));
  f.jwks_json = trim(read_file(fixture_dir() + "/jwks.json"));
  std::istringstream claims(read_file(fixture_dir() + "/claims.txt"));
  for (std::string line; std::getline(claims, line);) {
    const auto eq = line.find('=');
    if (eq == std::string::npos) continue;
    const std::string k = line.substr(0, eq), v = line.substr(eq + 1);
    if (k == "issuer") f.issuer = v;
    if (k == "audience") f.audience = v;
    if (k == "resource") f.resource = v;
    if (k == "iat") f.iat = std::strtoll(v.c_str(), nullptr, 10);
  }
  return cache.emplace(name, std::move(f)).first->second;
}

std::string b64url_decode(const std::string& in) {
  static const auto table = [] {
    std::array<int, 256> t{};
    t.fill(-1);
    const char* a = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
    for (int i = 0; i < 64; ++i) t[static_cast<unsigned char>(a[i])] = i;
    return t;
  }();
  std::string out;
  out.reserve(in.size() * 3 / 4);
  unsigned acc = 0;
  int bits = 0;
  for (unsigned char c : in) {
    const int v = table[c];
    if (v < 0) return {};
    acc = (acc << 6) | static_cast<unsigned>(v);
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      out.push_back(static_cast<char>((acc >> bits) & 0xFF));
    }
  }
  return out;
}

namespace {
// `jwk_json` with its "kid" value replaced by `kid`.
std::string with_kid(std::string jwk_json, const std::string& kid) {
  const auto k = jwk_json.find("\"kid\":\"");
  if (k == std::string::npos) throw std::runtime_error("fixture JWK without kid");
  const auto start = k + 7;
  const auto end = jwk_json.find('"', start);
  return jwk_json.replace(start, end - start, kid);
}
}  // namespace

std::string cold_jwks(const std::string& case_name, int n) {
  std::vector<std::string> others;
  for (const auto& c : jwt_case_names()) {
    if (c != case_name) others.push_back(jwt_case(c).jwk_json);
  }
  std::vector<std::string> keys;
  if (n >= 3) keys.assign(others.begin(), others.begin() + 2);
  if (n >= 10) {
    keys.push_back(others[2]);
    for (int i = 0; i < 6; ++i)
      keys.push_back(with_kid(others[static_cast<std::size_t>(i % 3)], "decoy-" + std::to_string(i)));
  }
  keys.insert(keys.begin() + static_cast<long>(keys.size() / 2), jwt_case(case_name).jwk_json);
  std::string out = "{\"keys\":[";
  for (std::size_t i = 0; i < keys.size(); ++i) out += (i ? "," : "") + keys[i];
  return out + "]}";
}

std::string cold_group(const std::string& case_name, int n) {
  return "cold/" + case_name + "/" + std::to_string(n) + (n == 1 ? " key" : " keys");
}

long b64url_decode_into(const char* in, std::size_t n, unsigned char* out) {
  static const auto table = [] {
    std::array<unsigned char, 256> t{};
    t.fill(0xFF);
    const char* a = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
    for (unsigned i = 0; i < 64; ++i) t[static_cast<unsigned char>(a[i])] = static_cast<unsigned char>(i);
    return t;
  }();
  if (n % 4 == 1) return -1;
  const auto* p = reinterpret_cast<const unsigned char*>(in);
  unsigned char* o = out;
  unsigned bad = 0;
  std::size_t i = 0;
  for (; i + 4 <= n; i += 4) {
    const unsigned a = table[p[i]], b = table[p[i + 1]], c = table[p[i + 2]], d = table[p[i + 3]];
    bad |= a | b | c | d;
    const unsigned v = (a << 18) | (b << 12) | (c << 6) | d;
    o[0] = static_cast<unsigned char>(v >> 16);
    o[1] = static_cast<unsigned char>(v >> 8);
    o[2] = static_cast<unsigned char>(v);
    o += 3;
  }
  if (n - i >= 2) {
    const unsigned a = table[p[i]], b = table[p[i + 1]], c = n - i == 3 ? table[p[i + 2]] : 0;
    bad |= a | b | c;
    const unsigned v = (a << 18) | (b << 12) | (c << 6);
    *o++ = static_cast<unsigned char>(v >> 16);
    if (n - i == 3) *o++ = static_cast<unsigned char>(v >> 8);
  }
  return (bad & 0xC0) != 0 ? -1 : static_cast<long>(o - out);
}

bool b64url_decode_parts(const std::string& token, std::vector<unsigned char>& buf) {
  if (buf.size() < token.size()) buf.resize(token.size());
  std::size_t start = 0;
  for (int part = 0; part < 3; ++part) {
    const auto end = part < 2 ? token.find('.', start) : token.size();
    if (end == std::string::npos) return false;
    if (b64url_decode_into(token.data() + start, end - start, buf.data()) < 0) return false;
    start = end + 1;
  }
  return true;
}

std::uint64_t thread_cpu_ns() {
  timespec ts{};
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
  return static_cast<std::uint64_t>(ts.tv_sec) * 1000000000u + static_cast<std::uint64_t>(ts.tv_nsec);
}

std::size_t op::run_timed(std::size_t n, timing& t) {
  const std::uint64_t c0 = thread_cpu_ns();
  const std::uint64_t t0 = now_ns();
  const std::size_t ok = run(n);
  t.wall_ns = now_ns() - t0;
  t.cpu_ns = thread_cpu_ns() - c0;
  return ok;
}

namespace {
class simple_verify_op : public op {
 public:
  simple_verify_op(simple_verifier& v, std::string token) : v_(v), token_(std::move(token)) {}
  std::size_t run(std::size_t n) override {
    std::size_t ok = 0;
    for (std::size_t i = 0; i < n; ++i) ok += v_.verify(token_) ? 1 : 0;
    return ok;
  }

 private:
  simple_verifier& v_;
  std::string token_;
};
}  // namespace

std::unique_ptr<op> simple_verifier::timed(const std::string& token) {
  return std::make_unique<simple_verify_op>(*this, token);
}

std::vector<verifier_entry>& verifier_registry() {
  static std::vector<verifier_entry> r;
  return r;
}
register_verifier::register_verifier(std::string name, int order, bool is_limit, verifier_factory f, groups in,
                                     bool is_payload_limit) {
  verifier_registry().push_back({std::move(name), order, is_limit, std::move(f), in, is_payload_limit});
}

std::vector<op_entry>& op_registry() {
  static std::vector<op_entry> r;
  return r;
}
register_op::register_op(std::string group, std::string name, int order, bool is_limit, op_factory f) {
  op_registry().push_back({std::move(group), std::move(name), order, is_limit, std::move(f)});
}

double quantile(std::vector<double> v, double q) {
  if (v.empty()) return 0;
  std::sort(v.begin(), v.end());
  const double pos = q * static_cast<double>(v.size() - 1);
  const std::size_t lo = static_cast<std::size_t>(pos);
  const std::size_t hi = std::min(lo + 1, v.size() - 1);
  const double frac = pos - static_cast<double>(lo);
  return v[lo] * (1 - frac) + v[hi] * frac;
}
double median(std::vector<double> v) { return quantile(std::move(v), 0.5); }

void callgrind_start() { CALLGRIND_START_INSTRUMENTATION; }
void callgrind_stop() { CALLGRIND_STOP_INSTRUMENTATION; }

}  // namespace bench
