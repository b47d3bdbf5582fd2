# CMake toolchain file for wasm32-wasi with Debian 12's clang 14, wasi-libc, libc++ and lld
# (apt-get install clang lld wasi-libc libc++-dev-wasm32 libc++abi-14-dev-wasm32 libclang-rt-dev-wasm32).
# Programs are wasm modules (without a suffix); ctest runs them under Node's WASI (tests/wasm/run_wasi.mjs).
# mbedTLS must be built for wasm32-wasi too (tools/ci/wasm.sh does it) and named with MbedTLS_*.
set(CMAKE_SYSTEM_NAME Generic)  # CMake 3.25 has no WASI platform module; Generic needs none
set(CMAKE_SYSTEM_PROCESSOR wasm32)
set(CMAKE_C_COMPILER clang)
set(CMAKE_CXX_COMPILER clang++)
set(CMAKE_C_COMPILER_TARGET wasm32-wasi)
set(CMAKE_CXX_COMPILER_TARGET wasm32-wasi)
# wasm-ld's default stack is 64 KiB; RSA-4096 and Catch2 need more. No threads in WASI preview 1.
set(CMAKE_EXE_LINKER_FLAGS_INIT "-Wl,-z,stack-size=8388608")
set(CMAKE_CXX_FLAGS_INIT "-DLOGTO_NO_THREADS=1")
set(CMAKE_CROSSCOMPILING_EMULATOR node "${CMAKE_CURRENT_LIST_DIR}/run_wasi.mjs")
# Header-only dependencies (Catch2) come from Debian's /usr/include, which clang searches for
# wasm32-wasi too, after wasi-libc's /usr/include/wasm32-wasi; Generic has no search prefixes.
set(CMAKE_INCLUDE_PATH /usr/include)
