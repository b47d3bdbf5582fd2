/// @file
/// @brief TLS (client side) over a host byte stream with mbedTLS 2.28 / 3.x: the `mbedtls_ssl`
/// BIO callbacks call the host stream's `read` / `write`, with the remaining time of the current
/// operation as their timeout. Used for implicit TLS (`secure: true`) and after STARTTLS.
///
/// Verification is on by default: the certificate chain must lead to a trusted CA (`ca_pem`, or
/// else the bundle file `ca_file`, by default `LOGTO_SMTP_DEFAULT_CA_FILE`) and the certificate
/// must match `server_name`, which is also sent as SNI (`mbedtls_ssl_set_hostname` is always
/// called). `verify = false` (config `tls.rejectUnauthorized: false`) turns both checks off.
/// TLS 1.2 is the minimum. Note: mbedTLS 2.28 does not match iPAddress subjectAltNames
/// (Mbed-TLS/mbedtls#5082): for a server reached by IP address, set `servername` to a DNS name in
/// its certificate.
#pragma once

#include <chrono>       // std::chrono::steady_clock
#include <cstddef>      // std::size_t
#include <cstdint>      // std::uint32_t
#include <cstdio>       // std::snprintf
#include <string>       // std::string
#include <string_view>  // std::string_view

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
#include "logto/core/result.hpp"
#include "logto/smtp/stream.hpp"

#ifndef LOGTO_SMTP_DEFAULT_CA_FILE
/// The system CA bundle read when no `ca_pem` is configured (Debian/Ubuntu path).
#define LOGTO_SMTP_DEFAULT_CA_FILE "/etc/ssl/certs/ca-certificates.crt"
#endif

namespace logto {
namespace smtp {

/// TLS settings (nodemailer `tls.*` and `servername`).
struct tls_options {
  bool verify = true;        ///< `tls.rejectUnauthorized` (default true)
  std::string ca_pem;        ///< trusted CAs in PEM (`tls.ca`); empty: read `ca_file`
  std::string ca_file = LOGTO_SMTP_DEFAULT_CA_FILE;  ///< CA bundle file used when `ca_pem` is empty
  std::string server_name;   ///< SNI and the name the certificate must match
};

namespace detail {
inline std::string mbedtls_message(int code) {
  char buf[160] = {0};
#if defined(MBEDTLS_ERROR_C)
  mbedtls_strerror(code, buf, sizeof buf);
#endif
  char hex[32];
  std::snprintf(hex, sizeof hex, "-0x%04X", static_cast<unsigned>(-code));
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
  }
  tls_stream(const tls_stream&) = delete;
  tls_stream& operator=(const tls_stream&) = delete;
  ~tls_stream() {
    mbedtls_ssl_free(&ssl_);
    mbedtls_ssl_config_free(&conf_);
    mbedtls_x509_crt_free(&ca_);
  }

  /// Runs the client handshake within `timeout_ms`.
  result<void> handshake(const tls_options& options, int timeout_ms) {
#if LOGTO_MBEDTLS_3 && defined(MBEDTLS_PSA_CRYPTO_C)
    if (psa_crypto_init() != PSA_SUCCESS) return make_error(errc::crypto_error, "TLS: psa_crypto_init failed");
#endif
    int rc = mbedtls_ssl_config_defaults(&conf_, MBEDTLS_SSL_IS_CLIENT, MBEDTLS_SSL_TRANSPORT_STREAM,
                                         MBEDTLS_SSL_PRESET_DEFAULT);
    if (rc != 0) return make_error(errc::tls_error, "TLS: configuration failed: " + detail::mbedtls_message(rc));
#if MBEDTLS_VERSION_NUMBER >= 0x03020000
    mbedtls_ssl_conf_min_tls_version(&conf_, MBEDTLS_SSL_VERSION_TLS1_2);
#else
    mbedtls_ssl_conf_min_version(&conf_, MBEDTLS_SSL_MAJOR_VERSION_3, MBEDTLS_SSL_MINOR_VERSION_3);
#endif
    mbedtls_ssl_conf_rng(&conf_, crypto::mbedtls_rng<crypto::default_random>, &rng_);
    if (options.verify) {
      int loaded = -1;
      if (!options.ca_pem.empty()) {
        // mbedtls_x509_crt_parse wants PEM NUL-terminated, the length including the NUL
        const std::string pem = options.ca_pem;
        rc = mbedtls_x509_crt_parse(&ca_, reinterpret_cast<const unsigned char*>(pem.c_str()), pem.size() + 1);
        if (rc < 0) {
          return make_error(errc::tls_error, "TLS: tls.ca holds no usable PEM certificate: " + detail::mbedtls_message(rc));
        }
        loaded = rc;
      } else {
#if defined(MBEDTLS_FS_IO)
        rc = mbedtls_x509_crt_parse_file(&ca_, options.ca_file.c_str());
        if (rc < 0) {
          return make_error(errc::tls_error, "TLS: cannot load the CA bundle " + options.ca_file + " (" +
                                                 detail::mbedtls_message(rc) +
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
      const int rc = mbedtls_ssl_write(&ssl_, reinterpret_cast<const unsigned char*>(data.data() + done),
                                       data.size() - done);
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
      return make_error(errc::connection_closed, std::string("TLS: the server closed the connection during the ") + what);
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
  crypto::default_random rng_;
  std::string server_name_;
  clock::time_point deadline_{};
  bool io_failed_ = false;
  error io_error_;
  bool ready_ = false;
};

}  // namespace smtp
}  // namespace logto
