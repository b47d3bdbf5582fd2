// logto-cpp benchmark driver. Run through benchmarks/run.sh; see benchmarks/README.md.
//
//   bench --fixtures DIR [--node-peer node/peer.mjs] list
//   bench ... time   [--rounds R] [--batch-ms M] [--out results.tsv] [--only P1,P2]   interleaved timing of
//                                       every group (or of the groups whose name starts with one of P1, P2, ...)
//   bench ... ir     <index> <N>        one contender (index from `list`), N operations between callgrind
//                                       start/stop client requests (run under valgrind --instr-atstart=no)
//   bench ... allocs [--out allocs.tsv] [--only P1,P2] operator new calls and bytes per operation (in-process
//   contenders) bench report --timing T [--ir I] [--allocs A]   markdown tables from the TSV files
#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <iostream>
#include <map>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include "bench.hpp"
#include "peer.hpp"

namespace bench {
namespace {

// One row of the benchmark: a verification contender on one token case, or an op of a group.
struct contender {
  std::string group;  // "verify/ES384", "sign/...", "oidc/..."
  std::string name;
  int order = 0;
  bool is_limit = false;
  // Built lazily (building may start the Node peer or fail).
  std::function<std::unique_ptr<op>(std::string& check, std::string& why_not)> build;
};

std::unique_ptr<op> build_verify(const verifier_entry& e, const std::string& case_name, std::string& check,
                                 std::string& why_not, std::unique_ptr<verifier>& holder) {
  const jwt_fixture& f = jwt_case(case_name);
  try {
    holder = e.make(f, why_not);
    if (!holder) return nullptr;
    const bool valid = holder->check(f.token);
    const bool bad_sig = holder->check(f.tampered_sig);
    const bool bad_payload = holder->check(f.tampered_payload);
    if (!valid || bad_sig || bad_payload) {
      why_not = std::string("acceptance check failed:") + (valid ? "" : " rejects the valid token;") +
                (bad_sig ? " accepts a tampered signature;" : "") + (bad_payload ? " accepts a tampered payload;" : "");
      holder.reset();
      return nullptr;
    }
    check = "accepts the token, rejects a tampered signature and a tampered payload";
    return holder->timed(f.token);
  } catch (const std::exception& ex) {
    why_not = std::string("error: ") + ex.what();
    holder.reset();
    return nullptr;
  }
}

// An op that keeps its verifier alive.
class owning_op : public op {
 public:
  owning_op(std::unique_ptr<verifier> v, std::unique_ptr<op> o) : v_(std::move(v)), o_(std::move(o)) {}
  std::size_t run(std::size_t n) override { return o_->run(n); }
  std::size_t run_timed(std::size_t n, timing& t) override { return o_->run_timed(n, t); }
  bool in_process() const override { return o_->in_process(); }

 private:
  std::unique_ptr<verifier> v_;
  std::unique_ptr<op> o_;
};

std::vector<contender> all_contenders() {
  std::vector<contender> out;
  auto vreg = verifier_registry();
  std::stable_sort(vreg.begin(), vreg.end(), [](const auto& a, const auto& b) { return a.order < b.order; });
  auto add_verify = [&out](const verifier_entry& e, std::string group, std::string fixture, bool is_limit) {
    contender k;
    k.group = std::move(group);
    k.name = e.name;
    k.order = e.order;
    k.is_limit = is_limit;
    k.build = [e, fixture](std::string& check, std::string& why) -> std::unique_ptr<op> {
      std::unique_ptr<verifier> holder;
      auto o = build_verify(e, fixture, check, why, holder);
      if (!o) return nullptr;
      return std::make_unique<owning_op>(std::move(holder), std::move(o));
    };
    out.push_back(std::move(k));
  };
  for (const auto& c : jwt_case_names()) {
    for (const auto& e : vreg) {
      if (e.in != groups::payload) add_verify(e, "verify/" + c, c, e.is_limit);
    }
  }
  for (const auto& pc : payload_cases()) {
    for (const auto& e : vreg) {
      if (e.in != groups::verify) add_verify(e, "payload/" + pc.base + "/" + pc.size, pc.fixture, e.is_payload_limit);
    }
  }
  auto oreg = op_registry();
  std::stable_sort(oreg.begin(), oreg.end(), [](const auto& a, const auto& b) {
    return a.group != b.group ? a.group < b.group : a.order < b.order;
  });
  for (const auto& e : oreg) {
    contender k;
    k.group = e.group;
    k.name = e.name;
    k.order = e.order;
    k.is_limit = e.is_limit;
    k.build = [e](std::string& check, std::string& why) -> std::unique_ptr<op> {
      try {
        return e.make(check, why);
      } catch (const std::exception& ex) {
        why = std::string("error: ") + ex.what();
        return nullptr;
      }
    };
    out.push_back(std::move(k));
  }
  return out;
}

std::string tsv_clean(std::string s) {
  for (char& c : s) {
    if (c == '\t' || c == '\n' || c == '\r') c = ' ';
  }
  return s;
}

// `only`: comma-separated group prefixes ("payload/,verify/"); empty selects every group.
bool selected(const std::string& group, const std::string& only) {
  if (only.empty()) return true;
  std::istringstream ps(only);
  for (std::string p; std::getline(ps, p, ',');) {
    if (!p.empty() && group.rfind(p, 0) == 0) return true;
  }
  return false;
}

// ---------------------------------------------------------------------------------------------
// time

int cmd_time(int rounds, double batch_ms, const std::string& out_path, const std::string& only) {
  std::vector<contender> cs = all_contenders();
  std::vector<std::string> groups;
  for (const auto& c : cs) {
    if (std::find(groups.begin(), groups.end(), c.group) == groups.end()) groups.push_back(c.group);
  }
  std::ofstream out(out_path);
  // Columns: identification, then CPU-time statistics, then wall-clock statistics (ns per operation; ratios
  // are medians / quartiles of the per-round ratios to the limit's batch in the same round).
  out << "group\tname\tis_limit\tin_process\tstatus\tcheck\tcpu_med\tcpu_p25\tcpu_p75\tcpu_r_med\tcpu_r_p25\t"
         "cpu_r_p75\twall_med\twall_p25\twall_p75\twall_r_med\twall_r_p25\twall_r_p75\trounds\tbatch\n";
  const std::uint64_t batch_ns = static_cast<std::uint64_t>(batch_ms * 1e6);
  for (const auto& g : groups) {
    if (!selected(g, only)) continue;
    struct live {
      const contender* c;
      std::unique_ptr<op> o;
      std::size_t n = 1;
      std::vector<double> cpu, wall;  // ns per op, one entry per round
      std::string check;
    };
    std::vector<live> ls;
    for (const auto& c : cs) {
      if (c.group != g) continue;
      std::string check, why;
      auto o = c.build(check, why);
      if (!o) {
        std::cerr << "  [" << g << "] " << c.name << ": left out (" << why << ")\n";
        out << tsv_clean(g) << '\t' << tsv_clean(c.name) << '\t' << c.is_limit << "\t-\tleft out: " << tsv_clean(why);
        for (int k = 0; k < 13; ++k) out << '\t';
        out << "0\t0\n";
        continue;
      }
      ls.push_back({&c, std::move(o), 1, {}, {}, check});
    }
    if (ls.empty()) continue;
    // Calibrate: batch size so that one batch takes about batch_ms of CPU (and warm up caches / the JIT).
    for (auto& l : ls) {
      timing t;
      std::size_t n = 1;
      for (int step = 0; step < 4; ++step) {
        l.o->run_timed(n, t);
        if (t.cpu_ns >= batch_ns / 4) break;
        const double per = static_cast<double>(std::max<std::uint64_t>(t.cpu_ns, 1)) / static_cast<double>(n);
        n = std::max<std::size_t>(n * 2, static_cast<std::size_t>(static_cast<double>(batch_ns) / 4 / per));
      }
      const double per = static_cast<double>(std::max<std::uint64_t>(t.cpu_ns, 1)) / static_cast<double>(n);
      l.n = std::max<std::size_t>(1, static_cast<std::size_t>(static_cast<double>(batch_ns) / per));
      l.o->run_timed(l.n, t);  // warm-up batch
    }
    std::cerr << "  [" << g << "] " << ls.size() << " contenders, " << rounds << " rounds\n";
    // Interleaved rounds: A B C A B C ..., starting position rotated each round.
    for (int r = 0; r < rounds; ++r) {
      for (std::size_t j = 0; j < ls.size(); ++j) {
        live& l = ls[(j + static_cast<std::size_t>(r)) % ls.size()];
        timing t;
        const std::size_t ok = l.o->run_timed(l.n, t);
        if (ok != l.n) {
          std::cerr << "  [" << g << "] " << l.c->name << ": only " << ok << " of " << l.n << " succeeded\n";
        }
        l.cpu.push_back(static_cast<double>(t.cpu_ns) / static_cast<double>(l.n));
        l.wall.push_back(static_cast<double>(t.wall_ns) / static_cast<double>(l.n));
      }
    }
    const live* lim = nullptr;
    for (const auto& l : ls) {
      if (l.c->is_limit) lim = &l;
    }
    auto stats = [&](const std::vector<double>& v, const std::vector<double>* limv) {
      std::vector<double> ratios;
      if (limv != nullptr) {
        for (std::size_t r = 0; r < v.size(); ++r) ratios.push_back(v[r] / (*limv)[r]);
      }
      std::ostringstream o;
      o << median(v) << '\t' << quantile(v, 0.25) << '\t' << quantile(v, 0.75) << '\t'
        << (ratios.empty() ? 0 : median(ratios)) << '\t' << (ratios.empty() ? 0 : quantile(ratios, 0.25)) << '\t'
        << (ratios.empty() ? 0 : quantile(ratios, 0.75));
      return o.str();
    };
    for (const auto& l : ls) {
      out << tsv_clean(g) << '\t' << tsv_clean(l.c->name) << '\t' << l.c->is_limit << '\t' << l.o->in_process()
          << "\tok\t" << tsv_clean(l.check) << '\t' << stats(l.cpu, lim ? &lim->cpu : nullptr) << '\t'
          << stats(l.wall, lim ? &lim->wall : nullptr) << '\t' << rounds << '\t' << l.n << '\n';
    }
    out.flush();
  }
  return 0;
}

// ---------------------------------------------------------------------------------------------
// list / ir / allocs

int cmd_list() {
  const auto cs = all_contenders();
  for (std::size_t i = 0; i < cs.size(); ++i) {
    std::cout << i << '\t' << cs[i].group << '\t' << cs[i].name << '\t' << cs[i].is_limit << '\n';
  }
  return 0;
}

int cmd_ir(std::size_t index, std::size_t n) {
  const auto cs = all_contenders();
  if (index >= cs.size()) return 2;
  std::string check, why;
  auto o = cs[index].build(check, why);
  if (!o) {
    std::cerr << "left out: " << why << '\n';
    return 3;
  }
  if (!o->in_process()) {
    std::cerr << "not in process\n";
    return 3;
  }
  o->run(2);  // warm-up: lazy initialisation is not part of the per-op cost
  callgrind_start();
  const std::size_t ok = o->run(n);
  callgrind_stop();
  std::cout << ok << '\n';
  return ok == n ? 0 : 4;
}

int cmd_allocs(const std::string& out_path, std::size_t n, const std::string& only) {
  alloc_tracking(true);
  const auto cs = all_contenders();
  std::ofstream out(out_path);
  out << "group\tname\tallocs_per_op\tbytes_per_op\tpeak_live_bytes_one_op\n";
  for (const auto& c : cs) {
    if (!selected(c.group, only)) continue;
    std::string check, why;
    auto o = c.build(check, why);
    if (!o || !o->in_process()) continue;
    o->run(2);
    // Peak of live C++ heap during one operation, above what was live before it (malloc_usable_size bytes).
    const std::int64_t before = alloc_live();
    alloc_reset_peak();
    o->run(1);
    const std::int64_t peak = alloc_peak() - before;
    const alloc_stats a = alloc_snapshot();
    o->run(n);
    const alloc_stats b = alloc_snapshot();
    out << tsv_clean(c.group) << '\t' << tsv_clean(c.name) << '\t'
        << static_cast<double>(b.count - a.count) / static_cast<double>(n) << '\t'
        << static_cast<double>(b.bytes - a.bytes) / static_cast<double>(n) << '\t' << peak << '\n';
  }
  return 0;
}

// ---------------------------------------------------------------------------------------------
// report

std::vector<std::vector<std::string>> read_tsv(const std::string& path) {
  std::vector<std::vector<std::string>> rows;
  std::ifstream in(path);
  std::string line;
  bool header = true;
  while (std::getline(in, line)) {
    if (header) {
      header = false;
      continue;
    }
    std::vector<std::string> cols;
    std::istringstream ls(line);
    for (std::string c; std::getline(ls, c, '\t');) cols.push_back(c);
    rows.push_back(cols);
  }
  return rows;
}

std::string fmt_time(double ns) {
  char b[64];
  if (ns >= 1e6) {
    std::snprintf(b, sizeof b, "%.3f ms", ns / 1e6);
  } else if (ns >= 1e3) {
    std::snprintf(b, sizeof b, "%.2f µs", ns / 1e3);
  } else {
    std::snprintf(b, sizeof b, "%.0f ns", ns);
  }
  return b;
}

std::string fmt(double v, const char* f) {
  char b[64];
  std::snprintf(b, sizeof b, f, v);
  return b;
}

// Target for logto-cpp in a group, 0 = none.
double target_for(const std::string& group) {
  if (group.rfind("verify/ES", 0) == 0) return 1.02;
  if (group.rfind("verify/RS", 0) == 0) return 1.25;
  if (group.rfind("sign/", 0) == 0) return 1.10;
  return 0;
}

std::string fmt_ir(double v) {
  char b[64];
  std::snprintf(b, sizeof b, "%.0f", v);
  std::string digits = b, out;
  int k = 0;
  for (auto it = digits.rbegin(); it != digits.rend(); ++it) {
    if (k != 0 && k % 3 == 0) out.insert(out.begin(), ',');
    out.insert(out.begin(), *it);
    ++k;
  }
  return out;
}

// Issue 17's view of the verify/ and payload/ groups, in callgrind instructions (deterministic on a shared
// machine): each backend of logto-cpp against its own limit, the OpenSSL build against the OpenSSL peers, npm
// jose in CPU time (it runs out of process, so it has no instruction count); then the cost per payload byte.
void issue17_summary(const std::vector<std::string>& groups, const std::vector<std::vector<std::string>>& t,
                     std::map<std::pair<std::string, std::string>, std::pair<double, double>>& irs) {
  const std::string ours_mb = "logto-cpp: jose::verify_id_token";
  const std::string ours_os = "logto-cpp, OpenSSL backend: jose::verify_id_token";
  const std::string lim_mb = "limit: bare mbedTLS primitive",
                    lim_os = "limit (OpenSSL backend): bare OpenSSL 3 primitive";
  const std::string floor = " + base64url decode floor";
  auto ir_of = [&](const std::string& g, const std::string& prefix) -> double {
    for (const auto& kv : irs) {
      if (kv.first.first == g && kv.first.second.rfind(prefix, 0) == 0) return kv.second.first;
    }
    return 0;
  };
  auto exact = [&](const std::string& g, const std::string& name) -> double {
    const auto it = irs.find({g, name});
    return it == irs.end() ? 0 : it->second.first;
  };
  auto cpu_of = [&](const std::string& g, const std::string& prefix) -> double {
    for (const auto& r : t) {
      if (r[0] == g && r[1].rfind(prefix, 0) == 0 && r[4] == "ok") return std::atof(r[6].c_str());
    }
    return 0;
  };
  auto ratio = [](double a, double b) { return a > 0 && b > 0 ? fmt(a / b, "%.3fx") : std::string("—"); };
  auto judged = [&](double a, double b, double target) {
    if (a <= 0 || b <= 0) return std::string("—");
    return fmt(a / b, "%.3fx") + (a / b <= target ? " met" : " **not met**");
  };
  std::vector<std::string> gs, cold;
  for (const auto& g : groups) {
    if (g.rfind("verify/", 0) == 0 || g.rfind("payload/", 0) == 0) gs.push_back(g);
    if (g.rfind("cold/", 0) == 0) cold.push_back(g);
  }
  if (!cold.empty()) {
    const std::string parse = "key_set::parse + jose::verify_id_token";
    const std::string pem = "parse the PEM key + bare ";
    std::cout
        << "\n#### Issue 17: cold start, both backends against their own limits (callgrind Ir / op; goal <= 1.1x)\n\n"
        << "| group | mbedTLS limit | logto-cpp (mbedTLS) | ratio | OpenSSL limit | logto-cpp (OpenSSL) | ratio |\n"
        << "|---|---:|---:|---:|---:|---:|---:|\n";
    for (const auto& g : cold) {
      const double ml = exact(g, "limit: " + pem + "mbedTLS primitive"), mo = exact(g, "logto-cpp: " + parse);
      const double ol = exact(g, "limit (OpenSSL backend): " + pem + "OpenSSL 3 primitive");
      const double oo = exact(g, "logto-cpp, OpenSSL backend: " + parse);
      auto ir_or_dash = [](double v) { return v > 0 ? fmt_ir(v) : std::string("—"); };
      std::cout << "| " << g << " | " << ir_or_dash(ml) << " | " << ir_or_dash(mo) << " | " << judged(mo, ml, 1.1)
                << " | " << ir_or_dash(ol) << " | " << ir_or_dash(oo) << " | " << judged(oo, ol, 1.1) << " |\n";
    }
  }
  if (gs.empty()) return;
  std::cout
      << "\n#### Issue 17: both backends against their own limits and against the peers (callgrind Ir / op)\n\n"
      << "Goals: verify/ with mbedTLS <= 1.02x (ES) and <= 1.03x (RS256-2048); with OpenSSL <= 1.05x; payload/ "
         "<= 1.1x at every size, each backend against its own limit; ahead of every peer. In payload/ groups the "
         "limit is the bare primitive + the base64url decode floor (benchmarks/README.md says why); the ratio "
         "to the bare primitive is given too. Peers: the OpenSSL build's Ir divided by the peer's (below 1 = "
         "fewer instructions than the peer). npm jose has no instruction count: CPU time per verification "
         "from the interleaved rounds, next to the OpenSSL build's.\n\n"
      << "| group | logto-cpp (mbedTLS) Ir | / its limit | / bare primitive | logto-cpp (OpenSSL) Ir | / its limit "
         "| / bare primitive | vs cjose | vs libjwt | vs cpp-jwt | CPU / op: logto-cpp (OpenSSL), npm jose |\n"
      << "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|\n";
  for (const auto& g : gs) {
    const bool payload = g.rfind("payload/", 0) == 0;
    const bool rsa = g.find("RS256") != std::string::npos;
    const double mb = exact(g, ours_mb), os = exact(g, ours_os);
    const double mb_bare = exact(g, lim_mb), os_bare = exact(g, lim_os);
    const double mb_lim = payload ? exact(g, lim_mb + floor) : mb_bare;
    const double os_lim = payload ? exact(g, lim_os + floor) : os_bare;
    const double t_mb = payload ? 1.1 : rsa ? 1.03 : 1.02, t_os = payload ? 1.1 : 1.05;
    const double c_os = cpu_of(g, ours_os), c_node = cpu_of(g, "npm jose");
    std::cout << "| " << g << " | " << fmt_ir(mb) << " | " << judged(mb, mb_lim, t_mb) << " | "
              << (payload ? ratio(mb, mb_bare) : "(same)") << " | " << fmt_ir(os) << " | " << judged(os, os_lim, t_os)
              << " | " << (payload ? ratio(os, os_bare) : "(same)") << " | " << judged(os, ir_of(g, "cjose"), 1.0)
              << " | " << judged(os, ir_of(g, "libjwt"), 1.0) << " | " << judged(os, ir_of(g, "cpp-jwt"), 1.0) << " | "
              << (c_os > 0 ? fmt_time(c_os) : "—") << ", " << (c_node > 0 ? fmt_time(c_node) : "—")
              << (c_os > 0 && c_node > 0 ? (c_os < c_node ? " (ahead)" : " (**behind**)") : "") << " |\n";
  }
  // Cost per payload byte: (Ir at 64 KB - Ir at 1 KB) / (65536 - 1024), per contender and case.
  std::vector<std::string> bases, names;
  for (const auto& pc : payload_cases()) {
    if (std::find(bases.begin(), bases.end(), pc.base) == bases.end()) bases.push_back(pc.base);
  }
  for (const auto& r : t) {
    if (r[0].rfind("payload/", 0) == 0 && r[3] == "1" && std::find(names.begin(), names.end(), r[1]) == names.end()) {
      names.push_back(r[1]);
    }
  }
  if (names.empty()) return;
  std::cout << "\n#### Cost per payload byte (callgrind Ir: (Ir at 64 KB - Ir at 1 KB) / 64,512 payload bytes)\n\n"
            << "A payload byte is 4/3 token characters: it is hashed as text, decoded, then parsed.\n\n| contender |";
  for (const auto& b : bases) std::cout << ' ' << b << " |";
  std::cout << "\n|---|";
  for (std::size_t i = 0; i < bases.size(); ++i) std::cout << "---:|";
  std::cout << '\n';
  for (const auto& n : names) {
    std::cout << "| " << n << " |";
    for (const auto& b : bases) {
      const double lo = exact("payload/" + b + "/1KB", n), hi = exact("payload/" + b + "/64KB", n);
      std::cout << ' ' << (lo > 0 && hi > 0 ? fmt((hi - lo) / (65536.0 - 1024.0), "%.1f") : "—") << " |";
    }
    std::cout << '\n';
  }
}

int cmd_report(const std::string& timing, const std::string& ir, const std::string& allocs) {
  const auto t = read_tsv(timing);
  // ir.tsv: group, name, Ir per op, allocator (malloc/free) Ir per op
  std::map<std::pair<std::string, std::string>, std::pair<double, double>> irs;
  for (const auto& r : read_tsv(ir)) {
    if (r.size() >= 4) irs[{r[0], r[1]}] = {std::atof(r[2].c_str()), std::atof(r[3].c_str())};
  }
  std::map<std::pair<std::string, std::string>, std::vector<double>> al;
  for (const auto& r : read_tsv(allocs)) {
    if (r.size() >= 5) al[{r[0], r[1]}] = {std::atof(r[2].c_str()), std::atof(r[3].c_str()), std::atof(r[4].c_str())};
  }
  std::vector<std::string> groups;
  for (const auto& r : t) {
    if (std::find(groups.begin(), groups.end(), r[0]) == groups.end()) groups.push_back(r[0]);
  }
  std::vector<std::string> verdicts;
  for (const auto& g : groups) {
    std::cout << "\n#### " << g << "\n\n";
    std::string limit_name;
    for (const auto& r : t) {
      if (r[0] == g && r[2] == "1" && r[4] == "ok") limit_name = r[1];
    }
    const double lim_ir = irs.count({g, limit_name}) ? irs[{g, limit_name}].first : 0;
    std::cout << "| contender | CPU time / op: median [p25–p75] | ratio to limit (CPU): median [p25–p75] | "
                 "wall / op: median | ratio (wall): median | callgrind Ir / op (malloc+free share) | Ir ratio | "
                 "C++ heap: allocs / op (bytes / op), peak live |\n";
    std::cout << "|---|---:|---:|---:|---:|---:|---:|---:|\n";
    for (const auto& r : t) {
      if (r[0] != g) continue;
      if (r[4] != "ok") {
        std::cout << "| " << r[1] << " | — | " << r[4] << " | | | | | |\n";
        continue;
      }
      auto d = [&](std::size_t i) { return std::atof(r[i].c_str()); };
      const bool lim_row = r[2] == "1";
      const double rm = d(9);
      std::string ratio =
          limit_name.empty() ? "—" : fmt(rm, "%.3fx") + " [" + fmt(d(10), "%.3f") + "–" + fmt(d(11), "%.3f") + "]";
      std::string wratio = limit_name.empty() ? "—" : fmt(d(15), "%.3fx");
      if (lim_row) ratio = wratio = "1 (the limit)";
      std::string irs_s = "n/a (out of process)", irr;
      double ir_ratio = 0;
      if (r[3] == "1") {
        if (irs.count({g, r[1]})) {
          const auto v = irs[{g, r[1]}];
          irs_s = fmt_ir(v.first) + " (" + fmt(v.first > 0 ? 100.0 * v.second / v.first : 0, "%.1f") + "%)";
          if (lim_ir > 0) {
            ir_ratio = v.first / lim_ir;
            irr = fmt(ir_ratio, "%.3fx");
          }
        } else {
          irs_s = "not measured";
        }
      }
      std::string alloc_s = r[3] == "1" ? "" : "n/a";
      if (al.count({g, r[1]})) {
        const auto& a = al[{g, r[1]}];
        alloc_s = fmt(a[0], "%.1f") + " (" + fmt(a[1], "%.0f") + " B), " + fmt(a[2], "%.0f") + " B";
      }
      std::cout << "| " << r[1] << " | " << fmt_time(d(6)) << " [" << fmt_time(d(7)) << "–" << fmt_time(d(8)) << "] | "
                << ratio << " | " << fmt_time(d(12)) << " | " << wratio << " | " << irs_s << " | " << irr << " | "
                << alloc_s << " |\n";
      const double target = target_for(g);
      // The OpenSSL build is judged against its own limit, in issue17_summary.
      if (r[1].rfind("logto-cpp", 0) == 0 && r[1].find("OpenSSL backend") == std::string::npos && target > 0 &&
          !limit_name.empty()) {
        const std::string vt = rm <= target ? "met" : "not met";
        const std::string vw = d(15) <= target ? "met" : "not met";
        const std::string vi = ir_ratio <= 0 ? "n/a" : ir_ratio <= target ? "met" : "not met";
        verdicts.push_back("| " + g + " | " + r[1] + " | <= " + fmt(target, "%.2f") + "x | " + fmt(rm, "%.3fx") +
                           " | " + fmt(d(15), "%.3fx") + " | " + (irr.empty() ? "—" : irr) + " | **" + vt +
                           "** (CPU time), " + vw + " (wall), **" + vi + "** (Ir) |");
      }
    }
  }
  issue17_summary(groups, t, irs);
  if (!verdicts.empty()) {
    std::cout << "\n#### Targets (logto-cpp against the limit, same run)\n\n"
              << "| group | contender | target | CPU-time ratio (median of rounds) | wall-clock ratio | callgrind Ir "
                 "ratio | verdict |\n|---|---|---:|---:|---:|---:|---|\n";
    for (const auto& v : verdicts) std::cout << v << '\n';
  }
  return 0;
}

}  // namespace
}  // namespace bench

int main(int argc, char** argv) {
  using namespace bench;
  std::vector<std::string> args(argv + 1, argv + argc);
  std::string fixtures, peer_script, out = "results.tsv", timing, ir, allocs, only;
  int rounds = 15;
  double batch_ms = 20;
  std::size_t n = 100;
  std::vector<std::string> pos;
  for (std::size_t i = 0; i < args.size(); ++i) {
    const std::string& a = args[i];
    auto next = [&]() -> std::string {
      if (i + 1 >= args.size()) {
        std::cerr << "missing value for " << a << '\n';
        std::exit(2);
      }
      return args[++i];
    };
    if (a == "--fixtures")
      fixtures = next();
    else if (a == "--node-peer")
      peer_script = next();
    else if (a == "--rounds")
      rounds = std::atoi(next().c_str());
    else if (a == "--batch-ms")
      batch_ms = std::atof(next().c_str());
    else if (a == "--out")
      out = next();
    else if (a == "--only")
      only = next();
    else if (a == "--n")
      n = static_cast<std::size_t>(std::atol(next().c_str()));
    else if (a == "--timing")
      timing = next();
    else if (a == "--ir")
      ir = next();
    else if (a == "--allocs")
      allocs = next();
    else
      pos.push_back(a);
  }
  if (pos.empty()) {
    std::cerr << "usage: bench --fixtures DIR [--node-peer peer.mjs] list|time|ir IDX N|allocs|report\n";
    return 2;
  }
  set_fixture_dir(fixtures);
  set_peer_script(peer_script);
  const std::string& mode = pos[0];
  if (mode == "list") return cmd_list();
  if (mode == "time") return cmd_time(rounds, batch_ms, out, only);
  if (mode == "ir" && pos.size() == 3) {
    return cmd_ir(static_cast<std::size_t>(std::atol(pos[1].c_str())),
                  static_cast<std::size_t>(std::atol(pos[2].c_str())));
  }
  if (mode == "allocs") return cmd_allocs(out, n, only);
  if (mode == "report") return cmd_report(timing, ir, allocs);
  std::cerr << "unknown mode " << mode << '\n';
  return 2;
}
