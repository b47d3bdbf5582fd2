/// @file
/// @brief logto-cpp: Logto sign-in (OpenID Connect) and Logto's passwordless connectors for C++17.
///
/// Include this one header (or `single_include/logto/logto.hpp`, its amalgamation). Dependencies:
/// mbedTLS 2.28 or 3.x and picojson. See README.md.
#pragma once

// IWYU pragma: begin_exports
#include "logto/core/config.hpp"
#include "logto/core/result.hpp"
#include "logto/core/encoding.hpp"
#include "logto/core/url.hpp"
#include "logto/core/json.hpp"
#include "logto/core/crypto.hpp"
#include "logto/core/time.hpp"
#include "logto/http.hpp"
#include "logto/storage.hpp"
// IWYU pragma: end_exports
