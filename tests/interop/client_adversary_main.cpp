// main of client_adversary (the tests are in client_adversary.cpp): takes the provider endpoint from
// --endpoint or LOGTO_TEST_ENDPOINT (tests/interop/provider/run_with_provider.sh sets it) and hands
// everything else to Catch2. Compiled once; tools/mutation_check.sh rebuilds only the tests per mutant.
#if defined(LOGTO_CATCH2_V3)
#include <catch2/catch_session.hpp>
#else
#define CATCH_CONFIG_RUNNER
#include <catch2/catch.hpp>
#endif

#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>
#include <vector>

extern std::string logto_adversary_endpoint;  // client_adversary.cpp

int main(int argc, char** argv) {
  std::string& endpoint = logto_adversary_endpoint;
  std::vector<char*> rest;
  rest.push_back(argv[0]);
  if (const char* env = std::getenv("LOGTO_TEST_ENDPOINT")) endpoint = env;
  for (int i = 1; i < argc; ++i) {
    if (std::strcmp(argv[i], "--endpoint") == 0 && i + 1 < argc) {
      endpoint = argv[++i];
    } else if (std::strncmp(argv[i], "--endpoint=", 11) == 0) {
      endpoint = argv[i] + 11;
    } else {
      rest.push_back(argv[i]);
    }
  }
  while (!endpoint.empty() && endpoint.back() == '/') endpoint.pop_back();
  if (endpoint.empty()) {
    std::fprintf(
        stderr,
        "client_adversary: no provider endpoint. Use --endpoint http://127.0.0.1:PORT or LOGTO_TEST_ENDPOINT,\n"
        "or run it through tests/interop/provider/run_with_provider.sh, which starts one.\n");
    return 2;
  }
  Catch::Session session;
  const int rc = session.applyCommandLine(static_cast<int>(rest.size()), rest.data());
  if (rc != 0) return rc;
  return session.run();
}
