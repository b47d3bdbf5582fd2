// The client core with many operations outstanding and the network answering in random orders
// (seeded, many seeds): after every single step, no refresh token was presented twice, nothing of a
// session was written after it ended, and the storage never held half a session (a refresh token
// without an ID token or the reverse). Operations are also abandoned at random points.
#include "client_fixtures.hpp"

#include <cstdint>
#include <optional>
#include <random>
#include <set>
#include <string>
#include <vector>

using namespace logto;
using namespace client_test;

namespace {

/// memory_storage that notices session writes after the test ended the session.
struct watched_storage {
  memory_storage inner;
  bool ended = false;
  int writes_after_end = 0;
  std::optional<std::string> get(std::string_view key) const { return inner.get(key); }
  void set(std::string_view key, std::string value) {
    if (ended && key != "signInSession") ++writes_after_end;
    inner.set(key, std::move(value));
  }
  void remove(std::string_view key) { inner.remove(key); }
};

/// Rotates refresh tokens like Logto (without the 3 s grace: any reuse counts) and records reuse.
struct strict_server {
  jose_test::es256_signer* signer = nullptr;
  std::set<std::string> spent;
  std::string current = "RT0";
  int reuses = 0;
  int issued = 0;
  http_response operator()(const http_request& req) {
    const auto q = parse_query(req.body);
    const std::string rt = *find_param(*q, "refresh_token");
    if (!spent.insert(rt).second || rt != current) {
      ++reuses;
      return json_response(400, R"({"error":"invalid_grant","error_description":"refresh token reused"})");
    }
    ++issued;
    current = "RT" + std::to_string(issued);
    const std::string* resource = find_param(*q, "resource");
    // The short-lived resource is always due (30 s < the 60 s margin): every operation for it refreshes.
    const int expires = resource != nullptr && *resource == "https://short.example.com" ? 30 : 3600;
    std::string body = R"({"access_token":"AT-)" + std::to_string(issued) + R"(","refresh_token":")" + current +
                       R"(","scope":"","expires_in":)" + std::to_string(expires);
    if (issued % 3 == 0) {
      body += R"(,"id_token":")" + issue_id_token(*signer, "", "AT-" + std::to_string(issued)) + "\"";
    }
    return json_response(200, body + "}");
  }
};

struct in_flight {
  std::size_t op;
  result<http_response> response;
};

void run_seed(std::uint32_t seed) {
  INFO("seed " << seed);
  std::mt19937 rng(seed);
  const auto pick = [&rng](std::size_t n) { return std::uniform_int_distribution<std::size_t>(0, n - 1)(rng); };

  config cfg = test_config({"urn:logto:scope:organizations"});
  cfg.resources.push_back("https://short.example.com");
  fake_provider provider;
  jose_test::es256_signer signer;
  provider.jwks = signer.add_to(provider.jwks);
  strict_server server;
  server.signer = &signer;
  provider.on_token = std::ref(server);
  watched_storage storage;
  storage.inner.set("idToken", jose_test::token("valid.ES384"));
  storage.inner.set("refreshToken", "RT0");
  test_clock clock;
  clock.t->store(jose_test::fixtures().T + 10);
  client_core<watched_storage, test_clock> core(cfg, storage, {}, clock);

  using op_t = decltype(core.get_access_token());
  const std::vector<std::pair<std::string, std::string>> wanted{{"", ""},
                                                                {"https://api.example.com", ""},
                                                                {"https://short.example.com", ""},
                                                                {"", "org_1"},
                                                                {"https://short.example.com", "org_1"}};
  std::vector<std::optional<op_t>> ops;
  std::vector<bool> flying;
  std::vector<in_flight> network;
  std::vector<std::optional<result<std::string>>> results;
  std::vector<bool> finished_after_end;
  const std::size_t total = 6 + pick(6);
  bool ended = false;

  const auto live = [&](std::size_t i) { return ops[i].has_value() && !ops[i]->done(); };
  for (int steps = 0;; ++steps) {
    REQUIRE(steps < 20000);
    std::size_t alive = 0;
    for (std::size_t i = 0; i < ops.size(); ++i) alive += live(i) ? 1 : 0;
    if (ops.size() == total && alive == 0 && network.empty()) break;

    const std::size_t action = pick(100);
    if (action < 15 && ops.size() < total) {
      const auto& w = wanted[pick(wanted.size())];
      ops.emplace_back(core.get_access_token(w.first, w.second));
      flying.push_back(false);
      results.emplace_back();
      finished_after_end.push_back(false);
    } else if (action < 60 && !ops.empty()) {
      const std::size_t i = pick(ops.size());
      if (!live(i) || flying[i]) continue;
      const step s = ops[i]->next(clock.now());
      if (s.what == step::kind::send) {
        flying[i] = true;
        network.push_back({i, provider.send(*s.request)});  // the server acts now; the answer travels
      } else if (s.what == step::kind::done) {
        results[i] = ops[i]->take_result();
        finished_after_end[i] = ended;
      }
    } else if (action < 95 && !network.empty()) {
      const std::size_t k = pick(network.size());
      in_flight answer = std::move(network[k]);
      network.erase(network.begin() + static_cast<std::ptrdiff_t>(k));
      flying[answer.op] = false;
      if (ops[answer.op]) ops[answer.op]->feed(std::move(answer.response));
    } else if (action < 97 && !ops.empty()) {
      const std::size_t i = pick(ops.size());
      if (live(i) && !flying[i]) ops[i].reset();  // abandoned (not while its request travels; maybe fed)
    } else if (action == 97 && !ended && seed % 3 == 0) {
      ended = true;
      storage.ended = true;
      sign_in_options again;
      again.redirect_uri = "com.example.app://callback";
      auto sign_in = core.sign_in(again);
      if (pick(2) == 0 || sign_in.next(clock.now()).what != step::kind::done) {
        REQUIRE_OK(core.clear_all_tokens());
      } else {
        REQUIRE_OK(sign_in.take_result());  // discovery was there: sign_in() ended the session at once
      }
    }
    // Invariants, after every step.
    REQUIRE(server.reuses == 0);
    REQUIRE(storage.writes_after_end == 0);
    REQUIRE(storage.inner.get("refreshToken").has_value() == storage.inner.get("idToken").has_value());
  }
  for (std::size_t i = 0; i < results.size(); ++i) {
    if (!results[i]) continue;  // abandoned
    if (finished_after_end[i]) {
      CHECK_FALSE(*results[i]);  // nothing of an ended session is handed out
    } else if (!ended) {
      INFO((results[i]->has_value() ? std::string() : results[i]->error().message));
      CHECK(results[i]->has_value());
    }
  }
  if (!ended) CHECK(storage.inner.get("refreshToken") == std::optional<std::string>(server.current));
}

}  // namespace

TEST_CASE("core, interleaved: random answer orders keep the refresh token and the session consistent",
          "[client][core][interleave]") {
  for (std::uint32_t seed = 1; seed <= 300; ++seed) run_seed(seed);
}
