// An mbedTLS 2.x configuration without RSA and without TLS, as a small device might build it: the
// library must still compile (RSA keys are then ignored, SMTP is left out of <logto/logto.hpp>).
#include <mbedtls/config.h>
#undef MBEDTLS_RSA_C
#undef MBEDTLS_SSL_CLI_C
#undef MBEDTLS_SSL_TLS_C
