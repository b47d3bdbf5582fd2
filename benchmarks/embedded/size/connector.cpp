// Size rows "connector request build" (size_table.sh): one connector per build (ROW_ALIYUN_SMS,
// ROW_ALIYUN_DM, ROW_TENCENT_SMS, ROW_TWILIO_SMS, ROW_SMTP_MESSAGE), configured from its JSON and
// building the signed request (or, for SMTP, the RFC 5322 message) for one verification code. Sending is
// the host's transport and is not linked.
#include <cstdint>
#include <string>

#if defined(ROW_ALIYUN_SMS)
#include <logto/connectors/aliyun_sms.hpp>
using connector_type = logto::connectors::aliyun_sms;
#elif defined(ROW_ALIYUN_DM)
#include <logto/connectors/aliyun_dm.hpp>
using connector_type = logto::connectors::aliyun_dm;
#elif defined(ROW_TENCENT_SMS)
#include <logto/connectors/tencent_sms.hpp>
using connector_type = logto::connectors::tencent_sms;
#elif defined(ROW_TWILIO_SMS)
#include <logto/connectors/twilio_sms.hpp>
using connector_type = logto::connectors::twilio_sms;
#elif defined(ROW_SMTP_MESSAGE)
#include <logto/smtp/message.hpp>
#else
#error "define one ROW_*"
#endif

#include "board.hpp"

int main() {
  using namespace logto;
  const std::int64_t now = board::clock().now();
#ifdef ROW_SMTP_MESSAGE
  // The message the SMTP connector sends (smtp/message.hpp); the connector itself needs TLS (row "SMTP + TLS").
  smtp::mail m;
  m.from = bench_input(in_config);
  m.to = bench_input(in_to);
  m.subject = bench_input(in_issuer);
  m.body = bench_input(in_code);
  unsigned char id[16];
  if (!board::random().fill(id, sizeof id)) return 1;
  auto built = smtp::build_message(m, now, std::string(reinterpret_cast<const char*>(id), sizeof id));
  return built ? 0 : 2;
#else
  auto c = connector_type::from_json(bench_input(in_config));
  if (!c) return 1;
  connectors::message m;
  m.to = bench_input(in_to);
  m.type = "SignIn";
  m.payload.code(bench_input(in_code));
  board::random rng;
  auto nonce = crypto::uuid_v4(rng);
  if (!nonce) return 2;
  auto request = c->build_request(m, now, *nonce);
  return request ? 0 : 3;
#endif
}
