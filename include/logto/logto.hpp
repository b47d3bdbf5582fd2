/// @file
/// @brief logto-cpp: Logto sign-in (OpenID Connect) and Logto's passwordless connectors for C++17.
///
/// Include this one header (or `single_include/logto/logto.hpp`, its amalgamation). Dependencies:
/// mbedTLS 2.28 or 3.x (and nothing else: JSON is the library's own). See README.md.
#pragma once

// IWYU pragma: begin_exports
#include "logto/core/config.hpp"
#include "logto/core/result.hpp"
#include "logto/core/encoding.hpp"
#include "logto/core/url.hpp"
#include "logto/core/strict_json.hpp"
#include "logto/core/crypto.hpp"
#include "logto/core/time.hpp"
#include "logto/core/sync.hpp"
#include "logto/http.hpp"
#include "logto/storage.hpp"
#if LOGTO_HAS_GCM  // sealed_storage needs AES-GCM in the mbedTLS build
#include "logto/core/aead.hpp"
#include "logto/sealed_storage.hpp"
#endif
#include "logto/jose/jwk.hpp"
#include "logto/jose/jws.hpp"
#include "logto/jose/jwt.hpp"
#include "logto/jose/id_token.hpp"  // deprecated aliases of the oidc:: ID-token names
#include "logto/jose/jwks_cache.hpp"
#include "logto/jose/token_cache.hpp"
#include "logto/oidc/common.hpp"
#include "logto/oidc/constants.hpp"
#include "logto/oidc/config.hpp"
#include "logto/oidc/response.hpp"
#include "logto/oidc/discovery.hpp"
#include "logto/oidc/id_token.hpp"
#include "logto/oidc/pkce.hpp"
#include "logto/oidc/sign_in.hpp"
#include "logto/oidc/sign_out.hpp"
#include "logto/oidc/callback.hpp"
#include "logto/oidc/token.hpp"
#include "logto/oidc/device.hpp"
#include "logto/oidc/claims.hpp"
#include "logto/oidc/user_info.hpp"
#include "logto/oidc/session.hpp"
#include "logto/client.hpp"
#include "logto/api/access_token_verifier.hpp"
#include "logto/smtp/mime.hpp"
#include "logto/smtp/address.hpp"
#include "logto/smtp/message.hpp"
#include "logto/smtp/stream.hpp"
#include "logto/smtp/client.hpp"
#if LOGTO_HAS_TLS  // SMTP needs mbedTLS with TLS client and X.509 support
#include "logto/smtp/tls.hpp"
#include "logto/smtp/session.hpp"
#endif
#include "logto/connectors/connector.hpp"
#include "logto/connectors/aliyun.hpp"
#include "logto/connectors/aliyun_sms.hpp"
#include "logto/connectors/aliyun_dm.hpp"
#include "logto/connectors/tencent.hpp"
#include "logto/connectors/tencent_sms.hpp"
#include "logto/connectors/twilio_sms.hpp"
#if LOGTO_HAS_TLS
#include "logto/connectors/smtp.hpp"
#endif
// IWYU pragma: end_exports
