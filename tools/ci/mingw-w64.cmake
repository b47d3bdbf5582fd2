# CMake toolchain for cross-building logto-cpp's tests and examples for Windows (x86-64) with Debian's
# mingw-w64 (tools/ci/windows.sh). LOGTO_MINGW_THREADS picks the thread model: posix (winpthreads,
# std::mutex and std::thread) or win32 (no std::mutex with GCC 12). LOGTO_WINDOWS_DEPS is a prefix
# holding mbedTLS (built from Debian's source package) and a link to the header-only
# Catch2 v2; it and the mingw-w64 sysroot are the only places searched, so no host header or
# library (/usr/include, /usr/lib) can reach the Windows build.
set(CMAKE_SYSTEM_NAME Windows)
set(CMAKE_SYSTEM_PROCESSOR x86_64)
if(NOT LOGTO_MINGW_THREADS)
  set(LOGTO_MINGW_THREADS posix)
endif()
set(CMAKE_C_COMPILER x86_64-w64-mingw32-gcc-${LOGTO_MINGW_THREADS})
set(CMAKE_CXX_COMPILER x86_64-w64-mingw32-g++-${LOGTO_MINGW_THREADS})
set(CMAKE_RC_COMPILER x86_64-w64-mingw32-windres)
set(CMAKE_FIND_ROOT_PATH /usr/x86_64-w64-mingw32 ${LOGTO_WINDOWS_DEPS})
set(CMAKE_FIND_ROOT_PATH_MODE_PROGRAM NEVER)
set(CMAKE_FIND_ROOT_PATH_MODE_LIBRARY ONLY)
set(CMAKE_FIND_ROOT_PATH_MODE_INCLUDE ONLY)
set(CMAKE_FIND_ROOT_PATH_MODE_PACKAGE ONLY)
# Static C and C++ runtimes (and winpthreads): the executables run under wine without DLL paths.
set(CMAKE_EXE_LINKER_FLAGS_INIT "-static")
