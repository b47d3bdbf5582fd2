/// @file
/// @brief The crypto backend seam: the one narrow interface through which the JOSE and connector layers hash,
/// compute HMACs and verify signatures. mbedTLS (`logto/core/crypto/mbedtls.hpp`) is the default;
/// `LOGTO_CRYPTO_OPENSSL=1` selects OpenSSL 3 (`logto/core/crypto/openssl.hpp`).
///
/// Each backend provides, in `logto::crypto::backend`: `name`, `hash_id` and `ec_curve` (core/crypto/ids.hpp),
/// `digest`, `hmac`, `hmac_sha256` (one context for a chain of MACs), `ec_group` (a curve shared by the keys of a set),
/// `ec_key` (load with on-curve check, verify R||S) and `rsa_key` (load, `bits`, `size`, `check`, PKCS#1 v1.5 /
/// PSS verify). Functions return 0 on success or the backend's failure code (only ever shown in messages).
///
/// Why a macro and not a template parameter: a host links one crypto library, so one backend per program is
/// all anyone needs, and a macro keeps every public name (`jose::public_key`, `jose::key_set`, the verify
/// functions, the clients built on them) exactly as it is. A template parameter would turn those into
/// templates over the backend, change every signature that names them, and make each header that verifies
/// instantiate them again, for a choice no program makes twice. The cost of the macro is the ODR rule it shares
/// with LOGTO_MUTEX: every translation unit of a program must see the same value (define it in the build
/// system, not in a source file).
#pragma once

#include "logto/core/config.hpp"  // LOGTO_CRYPTO_OPENSSL, LOGTO_HAS_RSA
// What both backends include, included here, outside the #if: tools/amalgamate.py inlines a header once,
// where it is first included, and a first inclusion inside the unselected branch would leave it out.
#include "logto/core/crypto/ids.hpp"  // hash_id, ec_curve
#include "logto/core/sync.hpp"        // logto::detail::first_use_gate

#if LOGTO_CRYPTO_OPENSSL
#include "logto/core/crypto/openssl.hpp"
/// True when the backend can verify RS* / PS* signatures.
#define LOGTO_CRYPTO_HAS_RSA 1
#else
#include "logto/core/crypto/mbedtls.hpp"
/// True when the backend can verify RS* / PS* signatures.
#define LOGTO_CRYPTO_HAS_RSA LOGTO_HAS_RSA
#endif
