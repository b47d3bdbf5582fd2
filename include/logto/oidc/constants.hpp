/// @file
/// @brief Logto's OpenID Connect constants, copied from @logto/js 6.1.2 (`consts/index.js`,
/// `consts/openid.js`): reserved scopes, user scopes, reserved resources, prompts, first screens,
/// organization URNs; plus the grant and token types of the flows beyond the JS SDK.
#pragma once

#include <array>        // std::array
#include <string>       // std::string
#include <string_view>  // std::string_view

#include "logto/core/result.hpp"

namespace logto {
namespace oidc {

/// `ReservedScope`: scopes Logto adds to every authorization request.
namespace reserved_scope {
inline constexpr std::string_view openid = "openid";
inline constexpr std::string_view offline_access = "offline_access";
}  // namespace reserved_scope

/// `UserScope`: scopes for ID-token and userinfo claims (in @logto/js's enum order).
namespace user_scope {
inline constexpr std::string_view profile = "profile";  ///< name, picture, username
inline constexpr std::string_view email = "email";      ///< email, email_verified
inline constexpr std::string_view phone = "phone";      ///< phone_number, phone_number_verified
inline constexpr std::string_view address = "address";
inline constexpr std::string_view custom_data = "custom_data";                      ///< userinfo only: custom_data
inline constexpr std::string_view identities = "identities";                        ///< userinfo only: identities
inline constexpr std::string_view roles = "roles";                                  ///< roles
inline constexpr std::string_view organizations = "urn:logto:scope:organizations";  ///< organizations
inline constexpr std::string_view organization_roles = "urn:logto:scope:organization_roles";  ///< organization_roles
inline constexpr std::string_view sessions = "urn:logto:scope:sessions";  ///< Account API only, no claims
/// Every user scope, in enum order (`Object.values(UserScope)`).
inline constexpr std::array<std::string_view, 10> all = {
    profile, email, phone, address, custom_data, identities, roles, organizations, organization_roles, sessions};
}  // namespace user_scope

/// The scopes `withReservedScopes` puts first: `openid offline_access profile`.
inline constexpr std::array<std::string_view, 3> default_scopes = {reserved_scope::openid,
                                                                   reserved_scope::offline_access, user_scope::profile};

/// `ReservedResource`.
namespace reserved_resource {
/// The organization-template resource (Logto RFC 0001); added when the organizations scope is asked for.
inline constexpr std::string_view organization = "urn:logto:resource:organizations";
}  // namespace reserved_resource

/// `Prompt` values (OIDC Core 3.1.2.1). `login` means: no refresh token is returned.
namespace prompts {
inline constexpr std::string_view none = "none";
inline constexpr std::string_view consent = "consent";
inline constexpr std::string_view login = "login";
}  // namespace prompts

/// `FirstScreen` values for the `first_screen` parameter.
namespace first_screens {
inline constexpr std::string_view sign_in_deprecated = "signIn";  ///< deprecated spelling, still accepted
inline constexpr std::string_view sign_in = "sign_in";
inline constexpr std::string_view register_ = "register";
inline constexpr std::string_view reset_password = "reset_password";
inline constexpr std::string_view identifier_sign_in = "identifier:sign_in";
inline constexpr std::string_view identifier_register = "identifier:register";
inline constexpr std::string_view single_sign_on = "single_sign_on";
}  // namespace first_screens

/// `InteractionMode` values for the deprecated `interaction_mode` parameter.
namespace interaction_modes {
inline constexpr std::string_view sign_in = "signIn";
inline constexpr std::string_view sign_up = "signUp";
}  // namespace interaction_modes

/// `Identifier` values for the `identifier` parameter.
namespace identifier_types {
inline constexpr std::string_view email = "email";
inline constexpr std::string_view phone = "phone";
inline constexpr std::string_view username = "username";
}  // namespace identifier_types

/// `DirectSignInOptions.method` values.
namespace direct_sign_in_methods {
inline constexpr std::string_view social = "social";
inline constexpr std::string_view sso = "sso";
}  // namespace direct_sign_in_methods

/// `grant_type` values.
namespace grant_types {
inline constexpr std::string_view authorization_code = "authorization_code";
inline constexpr std::string_view refresh_token = "refresh_token";
inline constexpr std::string_view client_credentials = "client_credentials";
inline constexpr std::string_view device_code = "urn:ietf:params:oauth:grant-type:device_code";        ///< RFC 8628 3.4
inline constexpr std::string_view token_exchange = "urn:ietf:params:oauth:grant-type:token-exchange";  ///< RFC 8693 2.1
}  // namespace grant_types

/// Token-type identifiers for token exchange (RFC 8693 3) as Logto accepts them.
namespace token_types {
inline constexpr std::string_view access_token = "urn:ietf:params:oauth:token-type:access_token";
inline constexpr std::string_view personal_access_token = "urn:logto:token-type:personal_access_token";
}  // namespace token_types

/// `code_challenge_method`: Logto accepts S256 only.
inline constexpr std::string_view code_challenge_method = "S256";

/// `discoveryPath`, appended to the Logto endpoint.
inline constexpr std::string_view discovery_path = "/oidc/.well-known/openid-configuration";

/// `organizationUrnPrefix`.
inline constexpr std::string_view organization_urn_prefix = "urn:logto:organization:";

/// `buildOrganizationUrn(id)`: `urn:logto:organization:<id>`.
inline std::string build_organization_urn(std::string_view organization_id) {
  std::string out(organization_urn_prefix);
  out.append(organization_id.data(), organization_id.size());
  return out;
}

/// `getOrganizationIdFromUrn(urn)`: the ID after the prefix; `errc::invalid_argument` with JS's
/// message "Invalid organization URN." when the prefix is missing.
inline result<std::string> organization_id_from_urn(std::string_view urn) {
  if (urn.substr(0, organization_urn_prefix.size()) != organization_urn_prefix) {
    return make_error(errc::invalid_argument, "Invalid organization URN.");
  }
  return std::string(urn.substr(organization_urn_prefix.size()));
}

}  // namespace oidc
}  // namespace logto
