// Size row "SMTP + TLS" (size_table.sh): the SMTP connector configured from its JSON and sending one
// verification code over the board's byte stream (smtp/stream.hpp), with implicit TLS or STARTTLS as the
// config says: EHLO, AUTH, MAIL/RCPT/DATA and the mbedTLS session. Needs an mbedTLS with a TLS client and
// X.509 (the "tls" library of size_table.sh).
#include <cstdint>
#include <string>

#include <logto/connectors/smtp.hpp>

#include "board.hpp"

namespace {
using namespace logto;

// The board's TCP connection (e.g. lwIP), answering from the board's inputs.
struct board_stream {
  std::size_t at = 0;
  result<std::size_t> read(char* buffer, std::size_t max, int) {
    const std::string_view in = bench_input(in_response);
    const std::size_t n = std::min(max, in.size() - std::min(at, in.size()));
    in.copy(buffer, n, at);
    at += n;
    return n;
  }
  result<void> write(std::string_view, int) { return ok(); }
  void close() {}
};
}  // namespace

int main() {
  auto c = connectors::smtp::from_json(bench_input(in_config));
  if (!c) return 1;
  connectors::message m;
  m.to = bench_input(in_to);
  m.type = "SignIn";
  m.payload.code(bench_input(in_code));
  auto sent = c->send(m, board_stream{}, board::clock{}, board::random{});
  return sent ? 0 : 2;
}
