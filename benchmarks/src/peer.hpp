// The Node peer (node/peer.mjs): out-of-process contenders.
#pragma once

#include <memory>
#include <string>

#include "bench.hpp"

namespace bench {
void set_peer_script(std::string path);  // empty = no Node contenders
// One line of JSON describing what the peer's signer produced ("aliyun" or "tencent").
std::string peer_sample(const std::string& what);
// An op that runs the peer's signer n times per batch; nullptr (and why_not) without a peer.
std::unique_ptr<op> make_peer_sign_op(const std::string& what, std::string& why_not);
}  // namespace bench
