/* Bare-metal support for QEMU's mps2-an386 board (Cortex-M4): reset handler, vector table, newlib hooks,
 * Arm semihosting for output and exit (the guest's exit status becomes QEMU's). Shared by the test
 * command's smoke (tests/embedded/smoke.cpp, tools/ci/baremetal.sh) and the benchmark's footprint
 * programs (benchmarks/run.sh), which also use the measurement hooks: heap high-water mark (every
 * malloc/calloc goes through _sbrk; newlib-nano never returns memory to it) and stack depth (the stack
 * below main's frame is painted before the work and scanned after it). */
#include <stddef.h>
#include <stdint.h>

extern uint32_t __etext, __data_start__, __data_end__, __bss_start__, __bss_end__, end, __stack_top;
extern int main(void);
extern void __libc_init_array(void);

static int semihost(int op, const void* arg) {
  register int r0 __asm__("r0") = op;
  register const void* r1 __asm__("r1") = arg;
  __asm__ volatile("bkpt 0xab" : "+r"(r0) : "r"(r1) : "memory");
  return r0;
}
static void put(const char* s) { semihost(0x04, s); /* SYS_WRITE0 */ }
void semihosting_write0(const char* s) { put(s); }
static void put_u(const char* label, unsigned long v) {
  char buf[24];
  int i = sizeof buf - 1;
  buf[i] = 0;
  do {
    buf[--i] = (char)('0' + v % 10);
    v /= 10;
  } while (v && i);
  put(label);
  put(buf + i);
  put("\n");
}
__attribute__((noreturn)) static void exit_qemu(int code) {
  uint32_t block[2] = {0x20026u /* ADP_Stopped_ApplicationExit */, (uint32_t)code};
  semihost(0x20, block);                 /* SYS_EXIT_EXTENDED */
  semihost(0x18, (const void*)0x20026u); /* SYS_EXIT, older hosts */
  for (;;) {
  }
}

/* ---- heap */
static char* brk = (char*)&end;
static char* brk_max = (char*)&end;
void* _sbrk(ptrdiff_t incr) {
  char* prev = brk;
  brk += incr;
  if (brk > brk_max) brk_max = brk;
  return prev;
}

/* ---- stack painting */
#define PAINT 0xA5A5A5A5u
#define WINDOW (64u * 1024u)
static uint32_t* paint_low;
static char* heap_at_begin;
void bench_measure_begin(void) {
  uint32_t* sp;
  __asm__ volatile("mov %0, sp" : "=r"(sp));
  paint_low = (uint32_t*)((uintptr_t)&__stack_top - WINDOW);
  for (uint32_t* p = paint_low; p < sp - 16; ++p) *p = PAINT;
  heap_at_begin = brk_max;
}
void bench_measure_end(int result) {
  uint32_t* p = paint_low;
  while (*p == PAINT) ++p;
  put_u("result=", (unsigned long)result);
  put_u("stack_bytes=", (unsigned long)((char*)&__stack_top - (char*)p));
  put_u("heap_high_water_bytes=", (unsigned long)(brk_max - (char*)&end));
  put_u("heap_during_work_bytes=", (unsigned long)(brk_max - heap_at_begin));
}

/* ---- minimal newlib hooks (output is semihosting only; nothing reads files) */
int _write(int fd, const char* s, int n) {
  (void)fd;
  (void)s;
  return n;
}
int _close(int fd) {
  (void)fd;
  return -1;
}
int _fstat(int fd, void* st) {
  (void)fd;
  (void)st;
  return -1;
}
int _isatty(int fd) {
  (void)fd;
  return 1;
}
int _lseek(int fd, int o, int w) {
  (void)fd;
  (void)o;
  (void)w;
  return -1;
}
int _read(int fd, char* s, int n) {
  (void)fd;
  (void)s;
  (void)n;
  return 0;
}
int _getpid(void) { return 1; }
int _kill(int pid, int sig) {
  (void)pid;
  (void)sig;
  exit_qemu(134);
  return -1;
}
void _exit(int code) {
  exit_qemu(code);
  for (;;) {
  }
}
void* __dso_handle = &__dso_handle; /* normally from crtbegin.o (not linked: -nostartfiles) */
void _init(void) {}
void _fini(void) {}

/* ---- reset and vectors */
void Reset_Handler(void) {
  for (uint32_t *s = &__etext, *d = &__data_start__; d < &__data_end__;) *d++ = *s++;
  for (uint32_t* d = &__bss_start__; d < &__bss_end__;) *d++ = 0;
  __libc_init_array();
  exit_qemu(main());
}
static void Fault_Handler(void) {
  put("fault\n");
  exit_qemu(99);
}
__attribute__((section(".vectors"), used)) static void* const vectors[16] = {&__stack_top,
                                                                             (void*)Reset_Handler,
                                                                             (void*)Fault_Handler,
                                                                             (void*)Fault_Handler,
                                                                             (void*)Fault_Handler,
                                                                             (void*)Fault_Handler,
                                                                             (void*)Fault_Handler,
                                                                             0,
                                                                             0,
                                                                             0,
                                                                             0,
                                                                             (void*)Fault_Handler,
                                                                             (void*)Fault_Handler,
                                                                             0,
                                                                             (void*)Fault_Handler,
                                                                             (void*)Fault_Handler};
