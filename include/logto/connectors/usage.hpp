/// @file
/// @brief Usage types: what a one-time code is for (connector-kit TemplateType), and the kit's time helper.
/// Part of the connector foundation; `logto/connectors/connector.hpp` includes every part. The parts
/// include each other in a chain (usage, js_value, message, templates, config_checker, send), and this,
/// the first, includes what all of them use.
#pragma once

#include <cmath>        // std::isnan, std::isinf, std::fabs
#include <cstddef>      // std::size_t, std::nullptr_t
#include <cstdint>      // std::int64_t, std::uint32_t
#include <cstdio>       // std::snprintf
#include <cstdlib>      // std::strtod
#include <functional>   // std::function
#include <optional>     // std::optional
#include <string>       // std::string
#include <string_view>  // std::string_view
#include <type_traits>  // std::enable_if, std::is_integral, std::decay
#include <utility>      // std::move, std::pair, std::declval
#include <vector>       // std::vector
#if defined(__has_include)
#if __has_include(<charconv>)
#include <charconv>  // std::to_chars
#endif
#endif
#include <clocale>  // std::localeconv

#include "logto/core/crypto.hpp"
#include "logto/core/encoding.hpp"
#include "logto/core/strict_json.hpp"
#include "logto/core/result.hpp"
#include "logto/core/time.hpp"
#include "logto/http.hpp"

namespace logto {
namespace connectors {

// ---------------------------------------------------------------------------------------------
// Usage types (connector-kit TemplateType, declaration order)

/// What a one-time code is for. The kit strings are `to_string` of these.
enum class usage_type {
  sign_in,                     ///< SignIn
  register_,                   ///< Register
  forgot_password,             ///< ForgotPassword
  organization_invitation,     ///< OrganizationInvitation
  generic,                     ///< Generic
  user_permission_validation,  ///< UserPermissionValidation
  bind_new_identifier,         ///< BindNewIdentifier
  mfa_verification,            ///< MfaVerification
  bind_mfa,                    ///< BindMfa
};

/// connector-kit's TemplateType string for `t` ("SignIn", "Register", ...).
constexpr std::string_view to_string(usage_type t) noexcept {
  switch (t) {
    case usage_type::sign_in: return "SignIn";
    case usage_type::register_: return "Register";
    case usage_type::forgot_password: return "ForgotPassword";
    case usage_type::organization_invitation: return "OrganizationInvitation";
    case usage_type::generic: return "Generic";
    case usage_type::user_permission_validation: return "UserPermissionValidation";
    case usage_type::bind_new_identifier: return "BindNewIdentifier";
    case usage_type::mfa_verification: return "MfaVerification";
    case usage_type::bind_mfa: return "BindMfa";
  }
  return "Generic";
}

/// The usage type named `s` (exact, case-sensitive, as the kit compares), or nullopt.
inline std::optional<usage_type> usage_type_from_string(std::string_view s) noexcept {
  for (int i = 0; i <= static_cast<int>(usage_type::bind_mfa); ++i) {
    const auto t = static_cast<usage_type>(i);
    if (to_string(t) == s) return t;
  }
  return std::nullopt;
}

/// Every connector's config refine requires templates for these usage types (in this order, which
/// is also the order the official error message lists the missing ones in).
inline constexpr std::string_view required_usage_types[4] = {"Register", "SignIn", "ForgotPassword", "Generic"};

/// floor(ms / 1000): Tencent's `Math.floor(Date.now() / 1000)`, and the seconds of Aliyun's
/// `toISOString()` with the milliseconds cut off.
constexpr std::int64_t unix_seconds_from_ms(std::int64_t ms) noexcept {
  return ms >= 0 ? ms / 1000 : -((-ms + 999) / 1000);
}

}  // namespace connectors
}  // namespace logto
