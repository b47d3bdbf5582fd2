/// @file
/// @brief Runs the SMTP client (smtp/client.hpp) over a host stream (smtp/stream.hpp), with TLS
/// from mbedTLS (smtp/tls.hpp) for implicit TLS and STARTTLS, and with timeouts: connect
/// (nodemailer `connectionTimeout`, also bounds the implicit-TLS handshake), greeting
/// (`greetingTimeout`), and every other reply, write and the STARTTLS handshake (`socketTimeout`,
/// here a deadline for the whole reply rather than an idle timer, so a server that trickles bytes
/// cannot stretch it). After the message was accepted, QUIT waits at most `quit_ms` and its failure
/// is ignored.
#pragma once

#include <algorithm>    // std::min
#include <chrono>       // std::chrono::steady_clock
#include <cstddef>      // std::size_t
#include <cstdint>      // std::uint16_t
#include <memory>       // std::unique_ptr
#include <string>       // std::string
#include <string_view>  // std::string_view
#include <utility>      // std::move
#include <vector>       // std::vector

#include "logto/core/crypto.hpp"
#include "logto/core/result.hpp"
#include "logto/smtp/client.hpp"
#include "logto/smtp/message.hpp"
#include "logto/smtp/stream.hpp"
#include "logto/smtp/tls.hpp"

namespace logto {
namespace smtp {

/// Timeouts in milliseconds (nodemailer's defaults).
struct timeouts {
  int connection_ms = 120000;  ///< connect (the stream factory) and the implicit-TLS handshake
  int greeting_ms = 30000;     ///< the server's 220 greeting
  int socket_ms = 600000;      ///< every other reply, each write, the STARTTLS handshake
  int quit_ms = 10000;         ///< the reply to QUIT (after delivery; its failure is ignored)
};

/// Everything the driver needs besides the stream and the message.
struct session_options {
  client_options client;
  tls_options tls;
  timeouts timeout;
};

/// What happened, for logs and tests.
struct delivery_info {
  bool tls = false;                   ///< the message went over TLS
  std::string auth_mechanism;         ///< PLAIN, LOGIN, XOAUTH2, or empty (no AUTH)
  std::vector<std::string> rejected;  ///< recipients refused while others were accepted
  std::string reply;                  ///< the server's reply to the message (e.g. `250 OK: queued`)
  std::string message_id;
};

namespace detail {
inline const char* wait_name(client::wait w) {
  return w == client::wait::greeting ? "the greeting" : w == client::wait::quit ? "the reply to QUIT" : "a reply";
}
}  // namespace detail

/// Sends `msg` over `stream` (already connected; closed before returning). Errors carry the
/// low-level code (timeout, connection_closed, tls_error, protocol_error, general for refusals
/// with the server's reply in `detail`).
template <class Stream>
result<delivery_info> deliver(Stream& stream, const session_options& options, const message& msg) {
  static_assert(is_stream<Stream>::value, "Stream must model logto::smtp stream (see smtp/stream.hpp)");
  using clock = std::chrono::steady_clock;
  auto created = client::create(options.client, msg);
  if (!created) {
    stream.close();
    return created.error();
  }
  client& c = *created;
  std::unique_ptr<tls_stream<Stream>> tls;
  if (options.client.implicit_tls) {
    tls.reset(new tls_stream<Stream>(stream));
    auto hs = tls->handshake(options.tls, options.timeout.connection_ms);
    if (!hs) {
      tls.reset();
      stream.close();
      return hs.error();
    }
  }

  bool waiting = false;
  clock::time_point deadline{};
  char buffer[4096];
  for (;;) {
    const client::action what = c.next();
    if (what == client::action::close) break;
    if (what == client::action::send) {
      waiting = false;
      std::string out = c.take_output();
      auto w = tls ? tls->write(out, options.timeout.socket_ms) : stream.write(out, options.timeout.socket_ms);
      crypto::wipe(out);
      if (!w) {
        error e = std::move(w).error();
        if (e.code == errc::timeout) e.message = "SMTP: timed out writing to the server";
        c.fail(std::move(e));
      }
      continue;
    }
    if (what == client::action::start_tls) {
      waiting = false;
      tls.reset(new tls_stream<Stream>(stream));
      auto hs = tls->handshake(options.tls, options.timeout.socket_ms);
      if (!hs) {
        tls.reset();
        c.fail(std::move(hs).error());
      } else {
        c.tls_started();
      }
      continue;
    }
    // receive
    const client::wait kind = c.waiting_for();
    const int budget = kind == client::wait::greeting ? options.timeout.greeting_ms
                       : kind == client::wait::quit   ? (std::min)(options.timeout.quit_ms, options.timeout.socket_ms)
                                                      : options.timeout.socket_ms;
    if (!waiting) {
      waiting = true;
      deadline = clock::now() + std::chrono::milliseconds(budget);
    }
    const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - clock::now()).count();
    if (left <= 0) {
      c.fail(make_error(errc::timeout, "SMTP: no complete reply within " + std::to_string(budget) +
                                           " ms while waiting for " + detail::wait_name(kind)));
      continue;
    }
    const int timeout_ms = left > 0x7FFFFFFF ? 0x7FFFFFFF : static_cast<int>(left);
    auto r = tls ? tls->read(buffer, sizeof buffer, timeout_ms) : stream.read(buffer, sizeof buffer, timeout_ms);
    if (!r) {
      error e = std::move(r).error();
      if (e.code == errc::timeout) {
        e.message = "SMTP: no complete reply within " + std::to_string(budget) + " ms while waiting for " +
                    detail::wait_name(kind);
      }
      c.fail(std::move(e));
      continue;
    }
    if (*r == 0) {
      c.feed_eof();
    } else {
      c.feed(std::string_view(buffer, *r > sizeof buffer ? sizeof buffer : *r));
    }
  }
  crypto::zeroize(buffer, sizeof buffer);
  const bool was_tls = static_cast<bool>(tls) || c.tls_active();
  if (tls) tls->close((std::min)(1000, options.timeout.socket_ms));
  tls.reset();
  stream.close();
  auto outcome = c.outcome();
  if (!outcome) return outcome.error();
  delivery_info info;
  info.tls = was_tls;
  info.auth_mechanism = c.auth_mechanism();
  info.rejected = c.rejected();
  info.reply = c.delivery_reply();
  info.message_id = msg.message_id;
  return info;
}

/// Connects with `connect(host, port, timeout.connection_ms)` (see smtp/stream.hpp) and `deliver`s.
template <class Connect>
auto connect_and_deliver(Connect&& connect, std::string_view host, std::uint16_t port, const session_options& options,
                         const message& msg) -> result<delivery_info> {
  auto s = connect(host, port, options.timeout.connection_ms);
  if (!s) return s.error();
  return deliver(*s, options, msg);
}

}  // namespace smtp
}  // namespace logto
