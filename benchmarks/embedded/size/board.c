/* The opaque host side of the size rows (board.hpp): inputs, clock and entropy. The values do not
 * matter (the rows are linked, not run); what matters is that the compiler cannot see them. */
#include <stddef.h>
#include <stdint.h>

static const char* volatile inputs[16] = {""};
static volatile int64_t rtc;
static volatile unsigned char trng;

const char* bench_input(int which) { return which >= 0 && which < 16 && inputs[which] ? inputs[which] : ""; }
int64_t bench_now(void) { return rtc; }
int bench_entropy(unsigned char* out, size_t len) {
  for (size_t i = 0; i < len; ++i) out[i] = trng;
  return 0;
}
