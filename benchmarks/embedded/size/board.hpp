// The host side of the Cortex-M4 size rows (size_table.sh): every input comes from board.c, a separate
// translation unit the compiler cannot see into (no LTO), so nothing a row calls is folded away, and each
// row carries only a few bytes of data. The hooks are the three a firmware supplies to the library: a
// clock (is_clock), a random source that reads the board's entropy (is_random_source), and, for rows
// built without LOGTO_NO_THREADS, the mutex (LOGTO_MUTEX, see the client row).
#pragma once

#include <cstddef>
#include <cstdint>

extern "C" {
const char* bench_input(int which);                      // which: one of the enum below
std::int64_t bench_now(void);                            // the board's RTC, unix seconds
int bench_entropy(unsigned char* out, std::size_t len);  // the board's TRNG: 0 = filled
}

enum bench_input_id : int {
  in_token,
  in_jwks,
  in_issuer,
  in_client_id,
  in_redirect_uri,
  in_endpoint,
  in_callback,
  in_response,
  in_config,
  in_to,
  in_code,
  in_key_x_hex,
  in_key_y_hex,
  in_rsa_n_hex,
  in_rsa_e_hex
};

namespace board {
struct clock {
  std::int64_t now() const { return bench_now(); }
};
struct random {
  bool fill(unsigned char* out, std::size_t n) { return bench_entropy(out, n) == 0; }
};
}  // namespace board
