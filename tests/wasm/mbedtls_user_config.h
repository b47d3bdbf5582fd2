/* mbedTLS 2.28 for WebAssembly (tools/ci/wasm.sh): Debian's default configuration with what a WASI or
 * browser sandbox lacks taken out. Included at the end of mbedtls/config.h through
 * -DMBEDTLS_USER_CONFIG_FILE, both when mbedTLS is compiled and when the library and its tests are. */
#undef MBEDTLS_NET_C    /* BSD sockets: the host's transport carries every byte */
#undef MBEDTLS_TIMING_C /* alarm() and signals */
#undef MBEDTLS_AESNI_C  /* x86 only */
#undef MBEDTLS_PADLOCK_C

#if defined(__wasi__)
/* WASI is not one of mbedTLS's "Unix" platforms (no __unix__, no /dev/urandom without a preopened
 * directory): entropy comes from WASI's random_get through getentropy() (tests/wasm/wasi_entropy.c). */
#define MBEDTLS_NO_PLATFORM_ENTROPY
#define MBEDTLS_ENTROPY_HARDWARE_ALT
#endif
