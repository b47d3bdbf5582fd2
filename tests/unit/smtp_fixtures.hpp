// Shared helpers for the smtp_*.cpp tests: the official connector captures
// (tests/interop/smtp/cases.json + expected.json, made by capture-official.mjs with
// @logto/connector-smtp 1.5.4 / nodemailer 8.0.11) and a scripted in-memory SMTP server stream.
#pragma once

#include <logto/connectors/smtp.hpp>

#include <algorithm>
#include <deque>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

namespace smtp_test {

using namespace logto;

inline std::string read_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

inline std::string interop_dir() { return std::string(LOGTO_TEST_DATA_DIR) + "/../interop/smtp/"; }

inline const json::value& member(const json::value& obj, const char* key) {
  static const json::value null_value;
  const json::object* o = json::as_object(obj);
  if (o == nullptr) return null_value;
  const json::value* v = json::find(*o, key);
  return v == nullptr ? null_value : *v;
}

inline std::string str(const json::value& v) {
  const std::string* s = json::as_string(v);
  return s == nullptr ? std::string() : *s;
}

inline std::vector<std::string> strings(const json::value& v) {
  std::vector<std::string> out;
  if (const json::array* a = json::as_array(v)) {
    for (const auto& e : *a) out.push_back(str(e));
  }
  return out;
}

/// One capture: the input case and what the official connector sent.
struct capture {
  std::string name;
  std::string config_json;  // member order kept (customHeaders order matters)
  connectors::message message;
  std::int64_t time_ms = 0;
  bool has_i18n = false;
  connectors::email_template i18n;
  // expected
  std::string raw, wire, message_id, ehlo_name, mail_from;
  std::vector<std::string> rcpt_to, transcript;
  std::vector<std::pair<std::string, std::string>> headers;
};

inline std::vector<capture> load_captures() {
  std::vector<capture> out;
  auto cases = json::parse_document(read_file(interop_dir() + "cases.json"));
  auto expected = json::parse_document(read_file(interop_dir() + "expected.json"));
  if (!cases || !expected) return out;
  const json::array* in = json::as_array(member(cases->root(), "cases"));
  const json::array* ex = json::as_array(member(expected->root(), "cases"));
  if (in == nullptr || ex == nullptr || in->size() != ex->size()) return out;
  for (std::size_t i = 0; i < in->size(); ++i) {
    const json::value& c = (*in)[i];
    const json::value& e = (*ex)[i];
    capture k;
    k.name = str(member(c, "name"));
    k.config_json = connectors::value::from_document(*cases, member(c, "config")).to_json();
    const json::value& msg = member(c, "message");
    k.message.to = str(member(msg, "to"));
    k.message.type = str(member(msg, "type"));
    auto payload = connectors::payload::from_value(connectors::value::from_document(*cases, member(msg, "payload")));
    if (payload) k.message.payload = *payload;
    const auto t = json::as_integer(member(c, "time_ms"));
    k.time_ms = t ? *t : 0;
    const json::value& i18n = member(c, "i18nTemplate");
    if (json::as_object(i18n) != nullptr) {
      k.has_i18n = true;
      k.i18n.subject = str(member(i18n, "subject"));
      k.i18n.content = str(member(i18n, "content"));
      if (json::as_string(member(i18n, "contentType"))) k.i18n.content_type = str(member(i18n, "contentType"));
      if (json::as_string(member(i18n, "replyTo"))) k.i18n.reply_to = str(member(i18n, "replyTo"));
      if (json::as_string(member(i18n, "sendFrom"))) k.i18n.send_from = str(member(i18n, "sendFrom"));
    }
    k.raw = str(member(e, "raw"));
    k.wire = str(member(e, "wire"));
    k.message_id = str(member(e, "message_id"));
    k.ehlo_name = str(member(e, "ehlo_name"));
    k.mail_from = str(member(e, "mail_from"));
    k.rcpt_to = strings(member(e, "rcpt_to"));
    k.transcript = strings(member(e, "transcript"));
    if (const json::array* hs = json::as_array(member(e, "headers"))) {
      for (const auto& h : *hs) {
        const json::array* pair = json::as_array(h);
        if (pair != nullptr && pair->size() == 2) k.headers.emplace_back(str((*pair)[0]), str((*pair)[1]));
      }
    }
    out.push_back(std::move(k));
  }
  return out;
}

/// The 16 random bytes behind a nodemailer Message-ID `<8-4-4-4-12@domain>`.
inline std::string message_id_bytes(const std::string& id) {
  std::string hex;
  for (std::size_t i = 1; i < id.size() && id[i] != '@'; ++i) {
    if (id[i] != '-') hex += id[i];
  }
  auto bytes = hex_decode(hex);
  return bytes ? *bytes : std::string(16, '\0');
}

/// The header block of a raw message as [name, raw value] (folding kept), like lib.mjs headerList.
inline std::vector<std::pair<std::string, std::string>> header_list(const std::string& raw) {
  std::vector<std::pair<std::string, std::string>> out;
  const std::size_t end = raw.find("\r\n\r\n");
  const std::string block = raw.substr(0, end);
  std::vector<std::string> fields;
  std::size_t pos = 0;
  while (pos <= block.size()) {
    std::size_t nl = block.find("\r\n", pos);
    if (nl == std::string::npos) nl = block.size();
    const std::string line = block.substr(pos, nl - pos);
    if (!line.empty() && (line[0] == ' ' || line[0] == '\t') && !fields.empty()) {
      fields.back() += "\r\n" + line;
    } else if (!line.empty()) {
      fields.push_back(line);
    }
    pos = nl + 2;
  }
  for (const auto& f : fields) {
    const std::size_t colon = f.find(':');
    std::size_t v = colon + 1;
    while (v < f.size() && (f[v] == ' ' || f[v] == '\t')) ++v;
    out.emplace_back(f.substr(0, colon), f.substr(v));
  }
  return out;
}

/// A scripted SMTP server behind the stream concept. Each step names what the client must send (a
/// command line without CRLF, "*" for any line, or "<message>" for the DATA payload up to and
/// including CRLF.CRLF) and the bytes the server answers with. After the script, reads see `after`:
/// closed (0) or a timeout error.
struct scripted_server {
  struct step {
    std::string expect;
    std::string reply;
  };
  std::deque<std::string> pending;  // chunks the client has yet to read
  std::deque<step> script;
  std::string written;                // everything the client wrote
  std::vector<std::string> received;  // client lines (and "<message>" payloads) in order
  std::vector<std::string> mismatches;
  std::string partial;
  bool in_data = false;
  bool closed_by_client = false;
  bool eof_when_idle = false;  // true: read returns 0 when nothing is pending; false: timeout
  int reads = 0;
  std::size_t max_chunk = 4096;

  explicit scripted_server(std::string greeting) { pending.push_back(std::move(greeting)); }

  scripted_server& then(std::string expect, std::string reply) {
    script.push_back({std::move(expect), std::move(reply)});
    return *this;
  }

  void consume(const std::string& unit) {
    received.push_back(unit);
    if (script.empty()) {
      mismatches.push_back("unexpected client line: " + unit);
      return;
    }
    step s = script.front();
    script.pop_front();
    if (s.expect != "*" && s.expect != unit) mismatches.push_back("expected [" + s.expect + "] got [" + unit + "]");
    if (!s.reply.empty()) pending.push_back(s.reply);
    if (unit == "DATA" && s.reply.rfind("354", 0) == 0) in_data = true;
  }

  result<std::size_t> read(char* buffer, std::size_t max, int /*timeout_ms*/) {
    ++reads;
    if (pending.empty()) {
      if (eof_when_idle) return std::size_t{0};
      return make_error(errc::timeout, "scripted server: no data (stall)");
    }
    std::string& front = pending.front();
    const std::size_t n = (std::min)({max, max_chunk, front.size()});
    front.copy(buffer, n);
    front.erase(0, n);
    if (front.empty()) pending.pop_front();
    return n;
  }

  result<void> write(std::string_view data, int /*timeout_ms*/) {
    if (closed_by_client) return make_error(errc::connection_closed, "write after close");
    written.append(data.data(), data.size());
    partial.append(data.data(), data.size());
    for (;;) {
      if (in_data) {
        const std::size_t end = partial.find("\r\n.\r\n");
        if (end == std::string::npos) return ok();
        partial.erase(0, end + 5);
        in_data = false;
        consume("<message>");
        continue;
      }
      const std::size_t nl = partial.find("\r\n");
      if (nl == std::string::npos) return ok();
      const std::string line = partial.substr(0, nl);
      partial.erase(0, nl + 2);
      consume(line);
    }
  }

  void close() { closed_by_client = true; }
};

/// A server that streams `chunk` forever (an endless line).
struct endless_server {
  std::string chunk;
  int reads = 0;
  std::string written;
  result<std::size_t> read(char* buffer, std::size_t max, int) {
    ++reads;
    const std::size_t n = (std::min)(max, chunk.size());
    chunk.copy(buffer, n);
    return n;
  }
  result<void> write(std::string_view data, int) {
    written.append(data.data(), data.size());
    return ok();
  }
  void close() {}
};

}  // namespace smtp_test
