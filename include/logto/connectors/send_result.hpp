/// @file
/// @brief What a connector's `send()` returns when the provider took the message: one type for every
/// connector. Part of the connector foundation; `logto/connectors/connector.hpp` includes every part.
#pragma once

#include "logto/connectors/usage.hpp"

namespace logto {
namespace connectors {

/// What the provider said when it took the message. Every connector's `send()` (and `parse_response()`)
/// returns `result<send_result>`; a field the provider does not answer stays empty.
///
/// | field        | aliyun-sms  | aliyun-dm  | tencent-sms                    | twilio-sms                  | smtp |
/// |--------------|-------------|------------|--------------------------------|-----------------------------|---------------------------|
/// | `message_id` | `BizId`     | `EnvId`    | `SendStatusSet[0].SerialNo`    | `sid`                       | the
/// `Message-ID` it wrote | | `request_id` | `RequestId` | `RequestId`| `Response.RequestId`           |
/// `Twilio-Request-Id` header  | (none)                    | | `code`       | `Code`      | (none)     |
/// `SendStatusSet[0].Code`        | `status` (`queued`, ...)    | reply code (`250`)        | | `message`    |
/// `Message`   | (none)     | `SendStatusSet[0].Message`     | (none)                      | reply text after the code
/// |
///
/// The official connectors return the provider's answer as they parsed it (aliyun) or got's raw
/// response (tencent, twilio) or nodemailer's info (smtp); these are the fields of those answers a
/// host logs or correlates with the provider's console. Twilio's answer also echoes the text sent
/// (the one-time code), which is deliberately not kept.
struct send_result {
  std::string message_id;  ///< the provider's id of the message (see the table)
  std::string request_id;  ///< the provider's id of the request, for its support and logs
  std::string code;        ///< the provider's own status code for the accepted message
  std::string message;     ///< the provider's own text for it

  // Provider-specific fields.
  std::string reply;           ///< smtp: the server's whole reply, e.g. `250 2.0.0 OK: queued as 12345`
  bool tls = false;            ///< smtp: the message travelled over TLS
  std::string auth_mechanism;  ///< smtp: PLAIN, LOGIN, XOAUTH2 or empty
  /// aliyun-sms: `BizId` when Aliyun sent one. Deprecated (use message_id); kept for one release.
  std::optional<std::string> biz_id;
  /// aliyun-dm: `EnvId`. Deprecated (use message_id); kept for one release.
  std::string env_id;
};

}  // namespace connectors
}  // namespace logto
