// logto-cpp benchmarks: shared declarations (fixtures, contender registry, timing, allocation counter).
//
// Every contender lives in its own translation unit and registers itself at static-initialisation time,
// so a contender whose headers are missing (or do not compile yet) is simply left out of the link by
// run.sh. Benchmark code, not library code: it may throw, print and use RTTI.
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <vector>

namespace bench {

// ---------------------------------------------------------------------------------------------
// Fixtures (written by node/gen_fixtures.mjs).

struct jwt_fixture {
  std::string name;  // ES384, ES256, RS256-2048, RS256-4096
  std::string alg;   // ES384, ES256, RS256
  std::string token, tampered_sig, tampered_payload, access_token;
  std::string pub_pem, jwk_json, jwks_json;
  std::string issuer, audience, resource;
  std::int64_t iat = 0;
};

std::string read_file(const std::string& path);
// Fixture directory, set by main before any factory runs.
const std::string& fixture_dir();
void set_fixture_dir(std::string dir);
const jwt_fixture& jwt_case(const std::string& name);  // loaded on first use, cached
const std::vector<std::string>& jwt_case_names();
// Payload-size cases (issue 17): fixture <case>-<size> (e.g. "ES256-16KB") is an ID token of <case>'s key whose
// payload JSON is <size>; its group is "payload/<case>/<size>".
struct payload_case {
  std::string base, size, fixture;
};
const std::vector<payload_case>& payload_cases();

// Cold-start groups (issue 17): the JWKS of N keys (1, 3 or 10) holding `case_name`'s key: 1 = that key; 3 = it
// and two keys of the other cases (a mixed set, as during rotation); 10 = the four case keys plus six copies of
// the other cases' keys under other kids. The token's key sits in the middle. The group is "cold/<case>/<N> keys".
std::string cold_jwks(const std::string& case_name, int n);
std::string cold_group(const std::string& case_name, int n);

// base64url decode for the contenders written here (the limit); empty on error.
std::string b64url_decode(const std::string& in);
// The decode floor of the payload groups' limit: a table-driven base64url decoder (4 characters -> 3 bytes
// per step, invalid characters detected) into a caller's buffer of at least in.size() * 3 / 4 + 3 bytes, no
// allocation. Returns the decoded length, or -1 when `in` is not base64url.
long b64url_decode_into(const char* in, std::size_t n, unsigned char* out);
// The decode floor of a compact token: its three parts decoded with b64url_decode_into into `buf` (grown once to
// the token's size, then reused; each part overwrites the previous one). False when a part is not base64url.
bool b64url_decode_parts(const std::string& token, std::vector<unsigned char>& buf);

// ---------------------------------------------------------------------------------------------
// A timed operation. `run(n)` performs the operation n times and returns how many succeeded (so the
// work cannot be optimised away). `run_timed` measures it: wall-clock time and the CPU time of the
// measuring thread (CLOCK_THREAD_CPUTIME_ID), which leaves out the time the thread was descheduled on a
// busy machine. An out-of-process contender overrides it and reports the times measured inside the peer
// (so the pipe round trip is not counted; its CPU time is the whole peer process's).
struct timing {
  std::uint64_t wall_ns = 0;
  std::uint64_t cpu_ns = 0;
};

class op {
 public:
  virtual ~op() = default;
  virtual std::size_t run(std::size_t n) = 0;
  virtual std::size_t run_timed(std::size_t n, timing& t);
  // Out-of-process contenders cannot be measured with callgrind or the allocation counter.
  virtual bool in_process() const { return true; }
};

// Token verification contender: built with the key material of one fixture; `check` verifies a token
// once (acceptance tests), `timed(token)` returns an op that verifies that token n times.
class verifier {
 public:
  virtual ~verifier() = default;
  virtual bool check(const std::string& token) = 0;
  virtual std::unique_ptr<op> timed(const std::string& token) = 0;
};

// Adapter for in-process verifiers: derive, implement `verify(token)`.
class simple_verifier : public verifier {
 public:
  virtual bool verify(const std::string& token) = 0;
  bool check(const std::string& token) override { return verify(token); }
  std::unique_ptr<op> timed(const std::string& token) override;
};

using verifier_factory = std::function<std::unique_ptr<verifier>(const jwt_fixture&, std::string& why_not)>;

// Which groups a verifier takes part in: verify/<case> (small ID tokens), payload/<case>/<size>, or both.
enum class groups { verify, payload, both };

struct verifier_entry {
  std::string name;  // shown in the table
  int order;         // table order (the limit first)
  bool is_limit;     // the limit of the verify/ groups
  verifier_factory make;
  groups in = groups::both;
  bool is_payload_limit = false;  // the limit of the payload/ groups
};
std::vector<verifier_entry>& verifier_registry();
struct register_verifier {
  register_verifier(std::string name, int order, bool is_limit, verifier_factory f, groups in = groups::both,
                    bool is_payload_limit = false);
};

// Other named operations (signers, OIDC steps, access-token cache), grouped by `group`.
using op_factory = std::function<std::unique_ptr<op>(std::string& self_check, std::string& why_not)>;
struct op_entry {
  std::string group;  // e.g. "sign/aliyun-pop-v1", "oidc/sign-in-uri+pkce"
  std::string name;
  int order;
  bool is_limit;
  // Builds the operation. `self_check` receives a description of the correctness check it passed;
  // on failure return nullptr and say why in `why_not`.
  op_factory make;
};
std::vector<op_entry>& op_registry();
struct register_op {
  register_op(std::string group, std::string name, int order, bool is_limit, op_factory f);
};

// ---------------------------------------------------------------------------------------------
// Allocation counter (operator new/delete are replaced in alloc.cpp; C allocations are not seen).

struct alloc_stats {
  std::uint64_t count = 0;  // calls to operator new / new[]
  std::uint64_t bytes = 0;  // bytes requested
};
alloc_stats alloc_snapshot() noexcept;
// Turns counting on (allocs mode). Memory allocated before stays untracked: measure deltas only.
void alloc_tracking(bool on) noexcept;
// Live C++ heap bytes now, and the highest value since the last `alloc_reset_peak()`.
std::int64_t alloc_live() noexcept;
std::int64_t alloc_peak() noexcept;
void alloc_reset_peak() noexcept;

// ---------------------------------------------------------------------------------------------
// Timing helpers.

std::uint64_t thread_cpu_ns();
inline std::uint64_t now_ns() {
  return static_cast<std::uint64_t>(
      std::chrono::duration_cast<std::chrono::nanoseconds>(std::chrono::steady_clock::now().time_since_epoch())
          .count());
}

double median(std::vector<double> v);
double quantile(std::vector<double> v, double q);

// Callgrind client requests around the measured loop (no-ops when not running under valgrind).
void callgrind_start();
void callgrind_stop();

}  // namespace bench
