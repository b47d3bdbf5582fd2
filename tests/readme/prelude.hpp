// The names the README's C++ snippets take from their surroundings (tools/readme_snippets.py compiles
// every ```cpp block of README.md against this prelude, each in a function of its own). Only what a
// snippet leaves to the reader is here: the library and the examples' helpers are the real ones.
#pragma once

#include <logto/logto.hpp>

#include <cstddef>
#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "examples/common/http_transport.hpp"
#include "examples/common/loopback_listener.hpp"
#include "examples/common/posix_stream.hpp"

namespace readme {

inline int fail(const logto::error&) { return 1; }
inline void open_in_system_browser(const std::string&) {}
inline void show(const std::string&) {}
inline std::string request_header(const char*) { return {}; }
inline int reply(int status, const std::vector<logto::http_header>&) { return status; }
template <class... T>
void use(const T&...) {}
inline std::int64_t now() { return 0; }
inline std::int64_t rtc_seconds() { return 0; }
inline bool trng_fill(unsigned char*, std::size_t) { return false; }
inline logto::result<logto::http_response> modem_http(const logto::http_request&) { return logto::http_response{}; }
inline void sleep_until(std::int64_t) {}
inline void pump_the_other_operations() {}

using engine_transport = logto_examples::async_http_transport;
using my_storage = logto::memory_storage;
using my_flash_storage = logto::memory_storage;
using my_transport = logto_examples::http_transport;

inline logto::config cfg;
inline logto_examples::http_transport http;
inline engine_transport engine_http;
inline my_storage storage;
inline my_flash_storage flash;
inline logto::client<logto_examples::http_transport, logto::memory_storage> client(cfg, http, storage);
extern logto::device_sign_in flow;  // declared only: the snippets are compiled, not linked
inline logto::http_request request;
inline std::string config_json, smtp_json, email_templates_json, device_key_32_bytes;
inline logto::connectors::message msg_to_email("user@example.com", logto::connectors::usage_type::sign_in,
                                               logto::connectors::payload{});

}  // namespace readme
