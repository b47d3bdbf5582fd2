/* mbedTLS's entropy source on WASI (MBEDTLS_ENTROPY_HARDWARE_ALT in tests/wasm/mbedtls_user_config.h):
 * wasi-libc's getentropy() is WASI's random_get, which the runtime (Node's node:wasi, wasmtime, a
 * browser shim) serves from the host's CSPRNG. A host embedding logto-cpp on WASI links this file, or
 * its own mbedtls_hardware_poll, with mbedTLS. */
#include <stddef.h>
#include <unistd.h> /* getentropy */

int mbedtls_hardware_poll(void* data, unsigned char* output, size_t len, size_t* olen);

int mbedtls_hardware_poll(void* data, unsigned char* output, size_t len, size_t* olen) {
  (void)data;
  *olen = 0;
  while (*olen < len) {
    size_t chunk = len - *olen;
    if (chunk > 256) chunk = 256; /* getentropy's limit per call */
    if (getentropy(output + *olen, chunk) != 0) return -1;
    *olen += chunk;
  }
  return 0;
}
