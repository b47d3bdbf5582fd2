/// @file
/// @brief JWS algorithms, JSON Web Keys and key sets: includes `jose/algorithm.hpp` (RFC 7518 3.1),
/// `jose/public_key.hpp` (RFC 7517 4, RFC 7518 6) and `jose/key_set.hpp` (RFC 7517 5, OIDC Core 10.1).
///
/// Kept so that code including this header sees every name it always did; new code may include only the part
/// it needs.
#pragma once

#include "logto/jose/algorithm.hpp"
#include "logto/jose/key_set.hpp"
#include "logto/jose/public_key.hpp"
