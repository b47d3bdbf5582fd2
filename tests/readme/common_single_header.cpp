// The examples' helpers (examples/common) build against the single header alone: a project that vendors
// only single_include/logto/logto.hpp can copy them. Compiled (not linked) with single_include/ as the
// only library include path (tests/CMakeLists.txt, test examples.common_single_header).
#include "examples/common/auto_browser.hpp"
#include "examples/common/background.hpp"
#include "examples/common/callback_relay.hpp"
#include "examples/common/curl_multi_transport.hpp"
#include "examples/common/curl_transport.hpp"
#include "examples/common/file_storage.hpp"
#include "examples/common/http_transport.hpp"
#include "examples/common/loopback_listener.hpp"
#include "examples/common/open_browser.hpp"
#include "examples/common/posix_stream.hpp"
#include "examples/common/socket.hpp"
#include "examples/common/url_scheme.hpp"

int main() { return 0; }
