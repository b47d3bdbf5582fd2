// LOGTO_TEST_THREADS: 1 when the standard library has std::thread and std::mutex (and <thread> and
// <mutex> are included), 0 for libstdc++ built without gthreads (mingw-w64's win32 thread model with
// GCC 12), where the tests that start threads are left out and the library runs on LOGTO_MUTEX.
#pragma once

#include <cstddef>  // the standard library's configuration (_GLIBCXX_HAS_GTHREADS)

#if defined(__GLIBCXX__) && !defined(_GLIBCXX_HAS_GTHREADS)
#define LOGTO_TEST_THREADS 0
#else
#define LOGTO_TEST_THREADS 1
#include <mutex>   // std::mutex
#include <thread>  // std::thread
#endif
