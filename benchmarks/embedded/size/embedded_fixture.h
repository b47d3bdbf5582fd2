// The fixture of run.sh's footprint programs (../mbedtls_only.cpp, ../with_logto.cpp), replaced for
// size_table.sh by the board's opaque inputs (board.hpp): the same code, linked without node-generated data.
#pragma once
#include "board.hpp"

#define kToken bench_input(in_token)
#define kJwks bench_input(in_jwks)
#define kIssuer bench_input(in_issuer)
#define kAudience bench_input(in_client_id)
#define kKeyXHex bench_input(in_key_x_hex)
#define kKeyYHex bench_input(in_key_y_hex)
#define kIat bench_now()
