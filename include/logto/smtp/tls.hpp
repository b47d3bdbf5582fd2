/// @file
/// @brief TLS (client side) over a host byte stream with mbedTLS 2.28 / 3.x: the `mbedtls_ssl`
/// BIO callbacks call the host stream's `read` / `write`, with the remaining time of the current
/// operation as their timeout. Used for implicit TLS (`secure: true`) and after STARTTLS.
///
/// Verification is on by default: the certificate chain must lead to a trusted CA (`ca_pem`, or
/// else the bundle file `ca_file`, by default `LOGTO_SMTP_DEFAULT_CA_FILE`) and the certificate
/// must match `server_name`, which is also sent as SNI (`mbedtls_ssl_set_hostname` is always
/// called). `verify = false` (config `tls.rejectUnauthorized: false`) turns both checks off.
/// TLS 1.2 is the minimum (`min_version` can raise it to 1.3 on an mbedTLS with TLS 1.3;
/// `max_version` can cap it at 1.2); `ciphers` restricts the suites; `cert_pem` + `key_pem` present a
/// client certificate when the server asks for one. Note: mbedTLS 2.28 does not match iPAddress subjectAltNames
/// (Mbed-TLS/mbedtls#5082): for a server reached by IP address, set `servername` to a DNS name in
/// its certificate.
#pragma once

#include <chrono>       // std::chrono::steady_clock
#include <cstddef>      // std::size_t
#include <cstdint>      // std::uint32_t
#include <cstdio>       // std::snprintf
#include <optional>     // std::optional
#include <string>       // std::string
#include <string_view>  // std::string_view
#include <vector>       // std::vector

#include "logto/core/config.hpp"  // first: the mbedTLS version and feature switches below

#if !LOGTO_HAS_TLS
#error "logto/smtp/tls.hpp needs an mbedTLS built with MBEDTLS_SSL_CLI_C and MBEDTLS_X509_CRT_PARSE_C"
#endif

#include <mbedtls/ctr_drbg.h>
#include <mbedtls/error.h>
#include <mbedtls/net_sockets.h>  // MBEDTLS_ERR_NET_* (constants only; no socket is opened)
#include <mbedtls/ssl.h>
#include <mbedtls/x509_crt.h>
#if LOGTO_MBEDTLS_3 && defined(MBEDTLS_PSA_CRYPTO_C)
#include <psa/crypto.h>
#endif

#include "logto/core/crypto.hpp"
#include "logto/core/private_key.hpp"
#include "logto/core/result.hpp"
#include "logto/smtp/stream.hpp"

#ifndef LOGTO_SMTP_DEFAULT_CA_FILE
/// The system CA bundle read when no `ca_pem` is configured (Debian/Ubuntu path).
#define LOGTO_SMTP_DEFAULT_CA_FILE "/etc/ssl/certs/ca-certificates.crt"
#endif

namespace logto {
namespace smtp {

/// A TLS protocol version bound (Node's `minVersion` / `maxVersion`).
enum class tls_version { unset, tls1_2, tls1_3 };

/// TLS settings (nodemailer `tls.*` and `servername`).
struct tls_options {
  bool verify = true;                                ///< `tls.rejectUnauthorized` (default true)
  std::string ca_pem;                                ///< trusted CAs in PEM (`tls.ca`); empty: read `ca_file`
  std::string ca_file = LOGTO_SMTP_DEFAULT_CA_FILE;  ///< CA bundle file used when `ca_pem` is empty
  std::string server_name;                           ///< SNI and the name the certificate must match
  tls_version min_version = tls_version::unset;      ///< `tls.minVersion` (TLS 1.2 is the floor anyway)
  tls_version max_version = tls_version::unset;      ///< `tls.maxVersion`
  std::vector<std::string> ciphers;                  ///< `tls.ciphers`: OpenSSL / Node names (`tls_cipher_suite_name`)
  std::string cert_pem;                              ///< `tls.cert`: client certificate (chain), PEM
  crypto::secret key_pem;                            ///< `tls.key`: its private key, PEM or DER
  crypto::secret passphrase;                         ///< `tls.passphrase`: for an encrypted `key`
};

/// The mbedTLS name of a cipher suite given by its OpenSSL / Node name (`ECDHE-RSA-AES128-GCM-SHA256`,
/// `TLS_AES_128_GCM_SHA256`), or its mbedTLS name (`TLS-ECDHE-RSA-WITH-AES-128-GCM-SHA256`) as is;
/// nullptr for a name this table does not know. Covers the ECDHE / DHE / RSA AES-GCM, AES-CBC and
/// ChaCha20-Poly1305 suites of TLS 1.2 and the three TLS 1.3 suites.
inline const char* tls_cipher_suite_name(std::string_view name) {
  static constexpr const char* table[][2] = {
      {"ECDHE-ECDSA-AES128-GCM-SHA256", "TLS-ECDHE-ECDSA-WITH-AES-128-GCM-SHA256"},
      {"ECDHE-RSA-AES128-GCM-SHA256", "TLS-ECDHE-RSA-WITH-AES-128-GCM-SHA256"},
      {"ECDHE-ECDSA-AES256-GCM-SHA384", "TLS-ECDHE-ECDSA-WITH-AES-256-GCM-SHA384"},
      {"ECDHE-RSA-AES256-GCM-SHA384", "TLS-ECDHE-RSA-WITH-AES-256-GCM-SHA384"},
      {"ECDHE-ECDSA-CHACHA20-POLY1305", "TLS-ECDHE-ECDSA-WITH-CHACHA20-POLY1305-SHA256"},
      {"ECDHE-RSA-CHACHA20-POLY1305", "TLS-ECDHE-RSA-WITH-CHACHA20-POLY1305-SHA256"},
      {"ECDHE-ECDSA-AES128-SHA256", "TLS-ECDHE-ECDSA-WITH-AES-128-CBC-SHA256"},
      {"ECDHE-RSA-AES128-SHA256", "TLS-ECDHE-RSA-WITH-AES-128-CBC-SHA256"},
      {"ECDHE-ECDSA-AES256-SHA384", "TLS-ECDHE-ECDSA-WITH-AES-256-CBC-SHA384"},
      {"ECDHE-RSA-AES256-SHA384", "TLS-ECDHE-RSA-WITH-AES-256-CBC-SHA384"},
      {"ECDHE-ECDSA-AES128-SHA", "TLS-ECDHE-ECDSA-WITH-AES-128-CBC-SHA"},
      {"ECDHE-RSA-AES128-SHA", "TLS-ECDHE-RSA-WITH-AES-128-CBC-SHA"},
      {"ECDHE-ECDSA-AES256-SHA", "TLS-ECDHE-ECDSA-WITH-AES-256-CBC-SHA"},
      {"ECDHE-RSA-AES256-SHA", "TLS-ECDHE-RSA-WITH-AES-256-CBC-SHA"},
      {"DHE-RSA-AES128-GCM-SHA256", "TLS-DHE-RSA-WITH-AES-128-GCM-SHA256"},
      {"DHE-RSA-AES256-GCM-SHA384", "TLS-DHE-RSA-WITH-AES-256-GCM-SHA384"},
      {"DHE-RSA-CHACHA20-POLY1305", "TLS-DHE-RSA-WITH-CHACHA20-POLY1305-SHA256"},
      {"AES128-GCM-SHA256", "TLS-RSA-WITH-AES-128-GCM-SHA256"},
      {"AES256-GCM-SHA384", "TLS-RSA-WITH-AES-256-GCM-SHA384"},
      {"AES128-SHA256", "TLS-RSA-WITH-AES-128-CBC-SHA256"},
      {"AES256-SHA256", "TLS-RSA-WITH-AES-256-CBC-SHA256"},
      {"AES128-SHA", "TLS-RSA-WITH-AES-128-CBC-SHA"},
      {"AES256-SHA", "TLS-RSA-WITH-AES-256-CBC-SHA"},
      {"TLS_AES_128_GCM_SHA256", "TLS1-3-AES-128-GCM-SHA256"},
      {"TLS_AES_256_GCM_SHA384", "TLS1-3-AES-256-GCM-SHA384"},
      {"TLS_CHACHA20_POLY1305_SHA256", "TLS1-3-CHACHA20-POLY1305-SHA256"},
  };
  for (const auto& row : table) {
    if (name == row[0] || name == row[1]) return row[1];
  }
  return nullptr;
}

/// Node's version names: `TLSv1.2`, `TLSv1.3`; nullopt for anything else.
inline std::optional<tls_version> parse_tls_version(std::string_view s) {
  if (s == "TLSv1.2") return tls_version::tls1_2;
  if (s == "TLSv1.3") return tls_version::tls1_3;
  return std::nullopt;
}

/// True when this mbedTLS speaks TLS 1.3 (3.2+ built with MBEDTLS_SSL_PROTO_TLS1_3).
constexpr bool tls13_available() noexcept {
#if defined(MBEDTLS_SSL_PROTO_TLS1_3) && MBEDTLS_VERSION_NUMBER >= 0x03020000
  return true;
#else
  return false;
#endif
}

namespace detail {

// `tls.ciphers` as the zero-terminated id list mbedtls_ssl_conf_ciphersuites wants. Node keeps its
// default TLS 1.3 suites when the list names none, and so does this.
inline result<std::vector<int>> resolve_ciphersuites(const std::vector<std::string>& names) {
  std::vector<int> ids;
  bool has13 = false;
  for (const auto& n : names) {
    const char* mbed = tls_cipher_suite_name(n);
    if (mbed == nullptr) {
      return make_error(
          errc::invalid_config,
          "tls.ciphers: \"" + n +
              "\" is not a cipher suite name this library maps to mbedTLS (use "
              "OpenSSL names such as ECDHE-RSA-AES128-GCM-SHA256; cipher-list keywords like HIGH or !aNULL "
              "are not supported)",
          "tls.ciphers");
    }
    const int id = mbedtls_ssl_get_ciphersuite_id(mbed);
    if (id == 0) {
      return make_error(errc::invalid_config,
                        "tls.ciphers: \"" + n + "\" (" + mbed + ") is not enabled in this mbedTLS build",
                        "tls.ciphers");
    }
    has13 = has13 || std::string_view(mbed).compare(0, 5, "TLS1-") == 0;
    ids.push_back(id);
  }
  if (!has13 && !ids.empty()) {
    for (const char* d :
         {"TLS1-3-AES-256-GCM-SHA384", "TLS1-3-CHACHA20-POLY1305-SHA256", "TLS1-3-AES-128-GCM-SHA256"}) {
      const int id = mbedtls_ssl_get_ciphersuite_id(d);
      if (id != 0) ids.push_back(id);
    }
  }
  if (!ids.empty()) ids.push_back(0);
  return ids;
}

}  // namespace detail

/// Checks what can be checked before connecting, naming the config field: the versions (TLS 1.3
/// needs a TLS 1.3 mbedTLS; nothing below 1.2), the cipher names, and that the client certificate
/// and its key are both given and readable.
inline result<void> check_tls_options(const tls_options& o) {
  if (o.min_version == tls_version::tls1_3 && !tls13_available()) {
    return make_error(errc::invalid_config, "tls.minVersion: TLSv1.3 is not available in this mbedTLS build",
                      "tls.minVersion");
  }
  if (o.max_version == tls_version::tls1_2 && o.min_version == tls_version::tls1_3) {
    return make_error(errc::invalid_config, "tls.maxVersion: below tls.minVersion", "tls.maxVersion");
  }
  auto suites = detail::resolve_ciphersuites(o.ciphers);
  if (!suites) return suites.error();
  if (o.cert_pem.empty() != o.key_pem.empty()) {
    const char* field = o.cert_pem.empty() ? "tls.cert" : "tls.key";
    return make_error(errc::invalid_config,
                      std::string(field) + ": a client certificate needs both tls.cert and tls.key", field);
  }
  if (!o.cert_pem.empty()) {
    mbedtls_x509_crt crt;
    mbedtls_x509_crt_init(&crt);
    const int rc =
        mbedtls_x509_crt_parse(&crt, reinterpret_cast<const unsigned char*>(o.cert_pem.c_str()), o.cert_pem.size() + 1);
    mbedtls_x509_crt_free(&crt);
    if (rc != 0) {
      return make_error(errc::invalid_config, "tls.cert: not a PEM certificate mbedTLS can read", "tls.cert");
    }
    crypto::private_key key;
    auto parsed = key.parse(o.key_pem.reveal(), o.passphrase.reveal(), "tls.key");
    if (!parsed) return parsed.error();
  }
  return ok();
}

namespace detail {
inline std::string mbedtls_message(int code) {
  char buf[160] = {0};
#if defined(MBEDTLS_ERROR_C)
  mbedtls_strerror(code, buf, sizeof buf);
#endif
  char hex[32];
  (void)std::snprintf(hex, sizeof hex, "-0x%04X", static_cast<unsigned>(-code));  // fits: 8 of 16 bytes at most
  return std::string(buf[0] != '\0' ? buf : "mbedTLS error") + " (" + hex + ")";
}
}  // namespace detail

/// A TLS client session on top of a host stream. Neither copyable nor movable (mbedTLS keeps
/// pointers into it); it does not own the stream and does not close it.
template <class Stream>
class tls_stream {
  static_assert(is_stream<Stream>::value, "Stream must model logto::smtp stream (see smtp/stream.hpp)");

 public:
  explicit tls_stream(Stream& s) : stream_(s) {
    mbedtls_ssl_init(&ssl_);
    mbedtls_ssl_config_init(&conf_);
    mbedtls_x509_crt_init(&ca_);
    mbedtls_x509_crt_init(&own_cert_);
  }
  tls_stream(const tls_stream&) = delete;
  tls_stream& operator=(const tls_stream&) = delete;
  ~tls_stream() {
    mbedtls_ssl_free(&ssl_);
    mbedtls_ssl_config_free(&conf_);
    mbedtls_x509_crt_free(&ca_);
    mbedtls_x509_crt_free(&own_cert_);
  }

  /// Runs the client handshake within `timeout_ms`.
  result<void> handshake(const tls_options& options, int timeout_ms) {
#if LOGTO_MBEDTLS_3 && defined(MBEDTLS_PSA_CRYPTO_C)
    if (psa_crypto_init() != PSA_SUCCESS) return make_error(errc::crypto_error, "TLS: psa_crypto_init failed");
#endif
    int rc = mbedtls_ssl_config_defaults(&conf_, MBEDTLS_SSL_IS_CLIENT, MBEDTLS_SSL_TRANSPORT_STREAM,
                                         MBEDTLS_SSL_PRESET_DEFAULT);
    if (rc != 0) return make_error(errc::tls_error, "TLS: configuration failed: " + detail::mbedtls_message(rc));
    auto checked = check_tls_options(options);
    if (!checked) return checked.error();
#if MBEDTLS_VERSION_NUMBER >= 0x03020000
#if defined(MBEDTLS_SSL_PROTO_TLS1_3)
    mbedtls_ssl_conf_min_tls_version(
        &conf_, options.min_version == tls_version::tls1_3 ? MBEDTLS_SSL_VERSION_TLS1_3 : MBEDTLS_SSL_VERSION_TLS1_2);
#else
    mbedtls_ssl_conf_min_tls_version(&conf_, MBEDTLS_SSL_VERSION_TLS1_2);
#endif
    if (options.max_version == tls_version::tls1_2)
      mbedtls_ssl_conf_max_tls_version(&conf_, MBEDTLS_SSL_VERSION_TLS1_2);
#else
    mbedtls_ssl_conf_min_version(&conf_, MBEDTLS_SSL_MAJOR_VERSION_3, MBEDTLS_SSL_MINOR_VERSION_3);
    mbedtls_ssl_conf_max_version(&conf_, MBEDTLS_SSL_MAJOR_VERSION_3, MBEDTLS_SSL_MINOR_VERSION_3);
#endif
    if (!options.ciphers.empty()) {
      auto suites = detail::resolve_ciphersuites(options.ciphers);
      if (!suites) return suites.error();
      ciphersuites_ = std::move(*suites);
      mbedtls_ssl_conf_ciphersuites(&conf_, ciphersuites_.data());
    }
    if (!options.cert_pem.empty()) {
      rc = mbedtls_x509_crt_parse(&own_cert_, reinterpret_cast<const unsigned char*>(options.cert_pem.c_str()),
                                  options.cert_pem.size() + 1);
      if (rc != 0) return make_error(errc::tls_error, "TLS: tls.cert: " + detail::mbedtls_message(rc));
      auto key = own_key_.parse(options.key_pem.reveal(), options.passphrase.reveal(), "tls.key");
      if (!key) return key.error();
      rc = mbedtls_ssl_conf_own_cert(&conf_, &own_cert_, own_key_.get());
      if (rc != 0) return make_error(errc::tls_error, "TLS: tls.cert / tls.key: " + detail::mbedtls_message(rc));
    }
    mbedtls_ssl_conf_rng(&conf_, crypto::mbedtls_rng<crypto::default_random>, &rng_);
    if (options.verify) {
      int loaded = -1;
      if (!options.ca_pem.empty()) {
        // mbedtls_x509_crt_parse wants PEM NUL-terminated, the length including the NUL
        const std::string pem = options.ca_pem;
        rc = mbedtls_x509_crt_parse(&ca_, reinterpret_cast<const unsigned char*>(pem.c_str()), pem.size() + 1);
        if (rc < 0) {
          return make_error(errc::tls_error,
                            "TLS: tls.ca holds no usable PEM certificate: " + detail::mbedtls_message(rc));
        }
        loaded = rc;
      } else {
#if defined(MBEDTLS_FS_IO)
        rc = mbedtls_x509_crt_parse_file(&ca_, options.ca_file.c_str());
        if (rc < 0) {
          return make_error(errc::tls_error,
                            "TLS: cannot load the CA bundle " + options.ca_file + " (" + detail::mbedtls_message(rc) +
                                "); set tls.ca to the PEM of the CA that signed the server certificate");
        }
        loaded = rc;
#else
        return make_error(errc::tls_error, "TLS: no tls.ca given and this mbedTLS cannot read files (MBEDTLS_FS_IO)");
#endif
      }
      (void)loaded;  // a positive count means some certificates of a bundle were skipped: fine
      mbedtls_ssl_conf_ca_chain(&conf_, &ca_, nullptr);
      mbedtls_ssl_conf_authmode(&conf_, MBEDTLS_SSL_VERIFY_REQUIRED);
    } else {
      mbedtls_ssl_conf_authmode(&conf_, MBEDTLS_SSL_VERIFY_NONE);
    }
    rc = mbedtls_ssl_setup(&ssl_, &conf_);
    if (rc != 0) return make_error(errc::tls_error, "TLS: setup failed: " + detail::mbedtls_message(rc));
    if (options.server_name.empty() && options.verify) {
      return make_error(errc::tls_error, "TLS: no server name to verify the certificate against");
    }
    server_name_ = options.server_name;
    rc = mbedtls_ssl_set_hostname(&ssl_, options.server_name.empty() ? nullptr : options.server_name.c_str());
    if (rc != 0) return make_error(errc::tls_error, "TLS: invalid server name: " + detail::mbedtls_message(rc));
    mbedtls_ssl_set_bio(&ssl_, this, &tls_stream::send_cb, &tls_stream::recv_cb, nullptr);

    start(timeout_ms);
    for (;;) {
      rc = mbedtls_ssl_handshake(&ssl_);
      if (rc == 0) break;
      if (rc == MBEDTLS_ERR_SSL_WANT_READ || rc == MBEDTLS_ERR_SSL_WANT_WRITE) continue;
      return failure_error(rc, "handshake");
    }
    ready_ = true;
    return ok();
  }

  /// Reads decrypted bytes (0: the peer closed the TLS session or the connection).
  result<std::size_t> read(char* buffer, std::size_t max, int timeout_ms) {
    if (!ready_) return make_error(errc::tls_error, "TLS: read before the handshake");
    start(timeout_ms);
    for (;;) {
      const int rc = mbedtls_ssl_read(&ssl_, reinterpret_cast<unsigned char*>(buffer), max);
      if (rc > 0) return static_cast<std::size_t>(rc);
      if (rc == 0 || rc == MBEDTLS_ERR_SSL_PEER_CLOSE_NOTIFY) return std::size_t{0};
      if (rc == MBEDTLS_ERR_SSL_WANT_READ || rc == MBEDTLS_ERR_SSL_WANT_WRITE) continue;
#if defined(MBEDTLS_ERR_SSL_RECEIVED_NEW_SESSION_TICKET)
      if (rc == MBEDTLS_ERR_SSL_RECEIVED_NEW_SESSION_TICKET) continue;  // TLS 1.3 (mbedTLS 3.x)
#endif
      return failure_error(rc, "read");
    }
  }

  /// Encrypts and writes all of `data`.
  result<void> write(std::string_view data, int timeout_ms) {
    if (!ready_) return make_error(errc::tls_error, "TLS: write before the handshake");
    start(timeout_ms);
    std::size_t done = 0;
    while (done < data.size()) {
      const int rc =
          mbedtls_ssl_write(&ssl_, reinterpret_cast<const unsigned char*>(data.data() + done), data.size() - done);
      if (rc > 0) {
        done += static_cast<std::size_t>(rc);
        continue;
      }
      if (rc == MBEDTLS_ERR_SSL_WANT_READ || rc == MBEDTLS_ERR_SSL_WANT_WRITE) continue;
      return failure_error(rc, "write");
    }
    return ok();
  }

  /// Sends close_notify (best effort). The host stream stays open: the caller closes it.
  void close(int timeout_ms = 1000) {
    if (!ready_) return;
    ready_ = false;
    start(timeout_ms);
    for (int tries = 0; tries < 4; ++tries) {
      const int rc = mbedtls_ssl_close_notify(&ssl_);
      if (rc != MBEDTLS_ERR_SSL_WANT_READ && rc != MBEDTLS_ERR_SSL_WANT_WRITE) break;
    }
  }

 private:
  using clock = std::chrono::steady_clock;

  void start(int timeout_ms) {
    io_failed_ = false;
    io_error_ = error();
    deadline_ = clock::now() + std::chrono::milliseconds(timeout_ms > 0 ? timeout_ms : 1);
  }

  int remaining_ms() const {
    const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline_ - clock::now()).count();
    return left <= 0 ? 0 : left > 0x7FFFFFFF ? 0x7FFFFFFF : static_cast<int>(left);
  }

  error failure_error(int rc, const char* what) {
    if (io_failed_) return io_error_;
    if (rc == MBEDTLS_ERR_SSL_CONN_EOF) {
      return make_error(errc::connection_closed,
                        std::string("TLS: the server closed the connection during the ") + what);
    }
    if (rc == MBEDTLS_ERR_X509_CERT_VERIFY_FAILED) {
      const std::uint32_t flags = mbedtls_ssl_get_verify_result(&ssl_);
      char info[512] = {0};
      mbedtls_x509_crt_verify_info(info, sizeof info, "", flags);
      std::string text(info);
      while (!text.empty() && (text.back() == '\n' || text.back() == ' ')) text.pop_back();
      for (char& c : text) {
        if (c == '\n') c = ';';
      }
      return make_error(errc::tls_error,
                        "TLS: the server certificate was rejected for \"" + server_name_ + "\": " + text +
                            " (configure tls.ca / servername, or tls.rejectUnauthorized: false to skip the checks)",
                        text);
    }
    return make_error(errc::tls_error, std::string("TLS ") + what + " failed: " + detail::mbedtls_message(rc));
  }

  static int send_cb(void* ctx, const unsigned char* buf, std::size_t len) {
    auto* self = static_cast<tls_stream*>(ctx);
    const int left = self->remaining_ms();
    if (left == 0) {
      self->io_failed_ = true;
      self->io_error_ = make_error(errc::timeout, "TLS: timed out while writing to the server");
      return MBEDTLS_ERR_NET_SEND_FAILED;
    }
    auto r = self->stream_.write(std::string_view(reinterpret_cast<const char*>(buf), len), left);
    if (!r) {
      self->io_failed_ = true;
      self->io_error_ = std::move(r).error();
      return MBEDTLS_ERR_NET_SEND_FAILED;
    }
    return static_cast<int>(len);
  }

  static int recv_cb(void* ctx, unsigned char* buf, std::size_t len) {
    auto* self = static_cast<tls_stream*>(ctx);
    const int left = self->remaining_ms();
    if (left == 0) {
      self->io_failed_ = true;
      self->io_error_ = make_error(errc::timeout, "TLS: timed out waiting for the server");
      return MBEDTLS_ERR_NET_RECV_FAILED;
    }
    auto r = self->stream_.read(reinterpret_cast<char*>(buf), len, left);
    if (!r) {
      self->io_failed_ = true;
      self->io_error_ = std::move(r).error();
      return MBEDTLS_ERR_NET_RECV_FAILED;
    }
    if (*r > len) {
      self->io_failed_ = true;
      self->io_error_ = make_error(errc::transport_error, "TLS: the host stream returned more bytes than asked for");
      return MBEDTLS_ERR_NET_RECV_FAILED;
    }
    return static_cast<int>(*r);  // 0: EOF
  }

  Stream& stream_;
  mbedtls_ssl_context ssl_;
  mbedtls_ssl_config conf_;
  mbedtls_x509_crt ca_;
  mbedtls_x509_crt own_cert_;
  crypto::private_key own_key_;
  std::vector<int> ciphersuites_;  // zero-terminated; mbedTLS keeps the pointer
  crypto::default_random rng_;
  std::string server_name_;
  clock::time_point deadline_{};
  bool io_failed_ = false;
  error io_error_;
  bool ready_ = false;
};

}  // namespace smtp
}  // namespace logto
