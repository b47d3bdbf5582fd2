// Out-of-process contenders (Node: npm jose, @alicloud/pop-core, tencentcloud-sdk-nodejs-common), run by
// node/peer.mjs and driven over pipes so their batches interleave with the in-process contenders. The
// peer measures each batch itself; the pipe round trip is not counted.
#include <fcntl.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <sstream>
#include <stdexcept>

#include "bench.hpp"
#include "peer.hpp"

namespace bench {

namespace {
class peer_process {
 public:
  explicit peer_process(const std::string& script) {
    int to_child[2], from_child[2];
    if (pipe(to_child) != 0 || pipe(from_child) != 0) throw std::runtime_error("pipe failed");
    pid_ = fork();
    if (pid_ < 0) throw std::runtime_error("fork failed");
    if (pid_ == 0) {
      dup2(to_child[0], 0);
      dup2(from_child[1], 1);
      close(to_child[1]);
      close(from_child[0]);
      execlp("node", "node", script.c_str(), fixture_dir().c_str(), static_cast<char*>(nullptr));
      _exit(127);
    }
    close(to_child[0]);
    close(from_child[1]);
    out_ = fdopen(to_child[1], "w");
    in_ = fdopen(from_child[0], "r");
  }
  ~peer_process() {
    if (out_ != nullptr) {
      std::fputs("quit\n", out_);
      std::fclose(out_);
    }
    if (in_ != nullptr) std::fclose(in_);
    if (pid_ > 0) waitpid(pid_, nullptr, 0);
  }
  // Sends one command, returns the reply after "ok "; throws on "err".
  std::string call(const std::string& cmd) {
    std::fputs((cmd + "\n").c_str(), out_);
    std::fflush(out_);
    std::string line;
    int c;
    while ((c = std::fgetc(in_)) != EOF && c != '\n') line.push_back(static_cast<char>(c));
    if (line.rfind("ok ", 0) != 0) throw std::runtime_error("node peer: " + (line.empty() ? "no reply" : line));
    return line.substr(3);
  }

 private:
  pid_t pid_ = -1;
  FILE* out_ = nullptr;
  FILE* in_ = nullptr;
};

std::string& script_path() {
  static std::string p;
  return p;
}

peer_process& peer() {
  static peer_process p(script_path());
  return p;
}

class peer_op : public op {
 public:
  explicit peer_op(std::string cmd) : cmd_(std::move(cmd)) {}
  std::size_t run(std::size_t n) override {
    timing t;
    return run_timed(n, t);
  }
  std::size_t run_timed(std::size_t n, timing& t) override {
    std::istringstream r(peer().call(cmd_ + " " + std::to_string(n)));
    std::size_t ok = 0;
    r >> t.wall_ns >> t.cpu_ns >> ok;
    return ok;
  }
  bool in_process() const override { return false; }

 private:
  std::string cmd_;
};

class peer_verifier : public verifier {
 public:
  explicit peer_verifier(const jwt_fixture& f) : f_(f) {}
  bool check(const std::string& token) override {
    const char* which = token == f_.token              ? "token"
                        : token == f_.tampered_sig     ? "tampered_sig"
                        : token == f_.tampered_payload ? "tampered_payload"
                                                       : nullptr;
    if (which == nullptr) throw std::runtime_error("node peer knows only the fixture tokens");
    return peer().call("check " + f_.name + " " + which) == "1";
  }
  std::unique_ptr<op> timed(const std::string& token) override {
    if (token != f_.token) throw std::runtime_error("node peer times only the valid token");
    return std::make_unique<peer_op>("verify " + f_.name);
  }

 private:
  const jwt_fixture& f_;
};

bool peer_enabled() { return !script_path().empty(); }

const register_verifier reg_jose("npm jose 6.2 (Node 20, OpenSSL)", 50, false,
                                 [](const jwt_fixture& f, std::string& why) -> std::unique_ptr<verifier> {
                                   if (!peer_enabled()) {
                                     why = "no --node-peer given";
                                     return nullptr;
                                   }
                                   return std::make_unique<peer_verifier>(f);
                                 });

}  // namespace

void set_peer_script(std::string path) { script_path() = std::move(path); }

std::string peer_sample(const std::string& what) { return peer().call("sample " + what); }

std::unique_ptr<op> make_peer_sign_op(const std::string& what, std::string& why_not) {
  if (!peer_enabled()) {
    why_not = "no --node-peer given";
    return nullptr;
  }
  return std::make_unique<peer_op>("sign " + what);
}

}  // namespace bench
