/// @file
/// @brief Deprecated, removed in the next release: ID-token verification is OpenID Connect and lives in
/// `logto/oidc/id_token.hpp` (namespace `logto::oidc`). This header keeps code written against
/// `logto::jose::verify_id_token` and friends compiling; switch to the `oidc::` names.
#pragma once

#include "logto/oidc/id_token.hpp"

namespace logto {
namespace jose {

// deprecated, removed in the next release: use logto::oidc::id_token_options.
using id_token_options = oidc::id_token_options;
// deprecated, removed in the next release: use logto::oidc::verify_id_token.
using oidc::verify_id_token;
// deprecated, removed in the next release: use logto::oidc::check_refreshed_id_token.
using oidc::check_refreshed_id_token;

}  // namespace jose
}  // namespace logto
