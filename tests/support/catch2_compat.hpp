// Catch2 v2 (Debian's) or v3 (vcpkg's, Conan's), whichever is there.
#pragma once
#if defined(LOGTO_CATCH2_V3)
#include <catch2/catch_all.hpp>
#else
#include <catch2/catch.hpp>
#endif
