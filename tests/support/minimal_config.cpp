// Compile-only check: <logto/logto.hpp> with LOGTO_NO_THREADS and an mbedTLS without RSA and TLS
// (tests/support/mbedtls_minimal_config.h), as for a Cortex-M firmware.
#include <logto/logto.hpp>

static_assert(LOGTO_NO_THREADS, "built with LOGTO_NO_THREADS=1");
static_assert(!LOGTO_HAS_RSA, "the minimal mbedTLS config has no RSA");
static_assert(!LOGTO_HAS_TLS, "the minimal mbedTLS config has no TLS");
static_assert(std::is_same<logto::default_mutex, logto::null_mutex>::value, "no <mutex> without threads");

int logto_minimal_config_check() {
  auto keys = logto::jose::key_set::parse(R"({"keys":[{"kty":"RSA","n":"AQAB","e":"AQAB"}]})");
  return keys && keys->empty() && keys->ignored().size() == 1 ? 0 : 1;
}
