// logto-cpp HTTP transports on WinHTTP (Windows' own HTTP client), for the examples on Windows, where
// libcurl is often not at hand: the blocking `winhttp_transport` (for logto::client) and the
// non-blocking `winhttp_async_transport` (for logto::async_client in a frame loop).
//
// The library itself never depends on WinHTTP: any type with
//   logto::result<logto::http_response> send(const logto::http_request&)
// is a transport. Copy this file into your application if WinHTTP is what you have. Link winhttp.
// What the library needs from a transport, and what this one does:
//   - redirects are not followed (the library wants to see them itself);
//   - no cookies are kept, except by the test provider's stand-in browser (`cookies = true`);
//   - every HTTP status, 4xx and 5xx included, is an answer; only a failure to talk is an error.
#pragma once

#include <winsock2.h>  // first, so a later <winsock2.h> does not meet <windows.h>'s winsock.h
#include <windows.h>
#include <winhttp.h>

#include <cstddef>
#include <functional>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include <logto/logto.hpp>  // the one library header: include/ and single_include/ alike

namespace logto_examples {

namespace winhttp_detail {

inline std::wstring widen(const std::string& s) {
  if (s.empty()) return {};
  const int n = ::MultiByteToWideChar(CP_UTF8, 0, s.data(), static_cast<int>(s.size()), nullptr, 0);
  std::wstring out(static_cast<std::size_t>(n > 0 ? n : 0), L'\0');
  if (n > 0) ::MultiByteToWideChar(CP_UTF8, 0, s.data(), static_cast<int>(s.size()), &out[0], n);
  return out;
}

inline std::string narrow(const wchar_t* s, std::size_t length) {
  if (length == 0) return {};
  const int n = ::WideCharToMultiByte(CP_UTF8, 0, s, static_cast<int>(length), nullptr, 0, nullptr, nullptr);
  std::string out(static_cast<std::size_t>(n > 0 ? n : 0), '\0');
  if (n > 0) ::WideCharToMultiByte(CP_UTF8, 0, s, static_cast<int>(length), &out[0], n, nullptr, nullptr);
  return out;
}

inline logto::error failure(const char* call, const std::string& url) {
  return logto::error{
      logto::errc::transport_error,
      std::string("HTTP request failed: ") + call + " (Windows error " + std::to_string(::GetLastError()) + ")", url};
}

/// Closes a WinHTTP handle when it goes out of scope.
struct handle {
  HINTERNET h = nullptr;
  explicit handle(HINTERNET value) : h(value) {}
  handle(const handle&) = delete;
  handle& operator=(const handle&) = delete;
  ~handle() {
    if (h != nullptr) ::WinHttpCloseHandle(h);
  }
};

/// The raw header block ("HTTP/1.1 200 OK\r\nName: value\r\n...") split into name/value pairs.
inline std::vector<logto::http_header> split_headers(const std::string& block) {
  std::vector<logto::http_header> headers;
  std::size_t start = 0;
  bool status_line = true;
  while (start < block.size()) {
    std::size_t end = block.find("\r\n", start);
    if (end == std::string::npos) end = block.size();
    const std::string line = block.substr(start, end - start);
    start = end + 2;
    if (status_line) {
      status_line = false;
      continue;
    }
    const auto colon = line.find(':');
    if (colon == std::string::npos) continue;
    std::size_t v = colon + 1;
    while (v < line.size() && (line[v] == ' ' || line[v] == '\t')) ++v;
    headers.push_back({line.substr(0, colon), line.substr(v)});
  }
  return headers;
}

/// One request on `session`, blocking until the whole answer is read.
inline logto::result<logto::http_response> perform(HINTERNET session, const logto::http_request& request,
                                                   bool cookies) {
  const std::wstring url = widen(request.url);
  URL_COMPONENTS parts;
  ::ZeroMemory(&parts, sizeof parts);
  parts.dwStructSize = sizeof parts;
  parts.dwHostNameLength = static_cast<DWORD>(-1);
  parts.dwUrlPathLength = static_cast<DWORD>(-1);
  parts.dwExtraInfoLength = static_cast<DWORD>(-1);
  if (!::WinHttpCrackUrl(url.c_str(), static_cast<DWORD>(url.size()), 0, &parts)) {
    return logto::error{logto::errc::transport_error, "HTTP request failed: not an http(s) URL", request.url};
  }
  if (parts.nScheme != INTERNET_SCHEME_HTTP && parts.nScheme != INTERNET_SCHEME_HTTPS) {
    return logto::error{logto::errc::transport_error, "HTTP request failed: only http and https are allowed",
                        request.url};
  }
  const std::wstring host(parts.lpszHostName, parts.dwHostNameLength);
  std::wstring target(parts.lpszUrlPath, parts.dwUrlPathLength);
  target.append(parts.lpszExtraInfo, parts.dwExtraInfoLength);
  if (target.empty()) target = L"/";

  handle connection(::WinHttpConnect(session, host.c_str(), parts.nPort, 0));
  if (connection.h == nullptr) return failure("WinHttpConnect", request.url);
  const std::wstring method = widen(request.method);
  handle req(::WinHttpOpenRequest(connection.h, method.c_str(), target.c_str(), nullptr, WINHTTP_NO_REFERER,
                                  WINHTTP_DEFAULT_ACCEPT_TYPES,
                                  parts.nScheme == INTERNET_SCHEME_HTTPS ? WINHTTP_FLAG_SECURE : 0));
  if (req.h == nullptr) return failure("WinHttpOpenRequest", request.url);

  DWORD features = WINHTTP_DISABLE_REDIRECTS;
  if (!cookies) features |= WINHTTP_DISABLE_COOKIES;
  ::WinHttpSetOption(req.h, WINHTTP_OPTION_DISABLE_FEATURE, &features, sizeof features);

  std::wstring header_block;
  for (const auto& hd : request.headers) header_block += widen(hd.name + ": " + hd.value + "\r\n");
  if (!header_block.empty() &&
      !::WinHttpAddRequestHeaders(req.h, header_block.c_str(), static_cast<DWORD>(header_block.size()),
                                  WINHTTP_ADDREQ_FLAG_ADD | WINHTTP_ADDREQ_FLAG_REPLACE)) {
    return failure("WinHttpAddRequestHeaders", request.url);
  }
  // WinHTTP reads the body from this buffer while sending; `request` outlives the call.
  void* body = request.body.empty() ? WINHTTP_NO_REQUEST_DATA : const_cast<char*>(request.body.data());
  const auto body_size = static_cast<DWORD>(request.body.size());
  if (!::WinHttpSendRequest(req.h, WINHTTP_NO_ADDITIONAL_HEADERS, 0, body, body_size, body_size, 0))
    return failure("WinHttpSendRequest", request.url);
  if (!::WinHttpReceiveResponse(req.h, nullptr)) return failure("WinHttpReceiveResponse", request.url);

  logto::http_response response;
  DWORD status = 0;
  DWORD status_size = sizeof status;
  if (!::WinHttpQueryHeaders(req.h, WINHTTP_QUERY_STATUS_CODE | WINHTTP_QUERY_FLAG_NUMBER, WINHTTP_HEADER_NAME_BY_INDEX,
                             &status, &status_size, WINHTTP_NO_HEADER_INDEX)) {
    return failure("WinHttpQueryHeaders (status)", request.url);
  }
  response.status = static_cast<int>(status);

  DWORD raw_size = 0;  // in bytes; the first call only measures
  ::WinHttpQueryHeaders(req.h, WINHTTP_QUERY_RAW_HEADERS_CRLF, WINHTTP_HEADER_NAME_BY_INDEX, nullptr, &raw_size,
                        WINHTTP_NO_HEADER_INDEX);
  if (raw_size > 0) {
    std::wstring raw(raw_size / sizeof(wchar_t) + 1, L'\0');
    if (::WinHttpQueryHeaders(req.h, WINHTTP_QUERY_RAW_HEADERS_CRLF, WINHTTP_HEADER_NAME_BY_INDEX, &raw[0], &raw_size,
                              WINHTTP_NO_HEADER_INDEX)) {
      response.headers = split_headers(narrow(raw.c_str(), raw_size / sizeof(wchar_t)));
    }
  }

  for (;;) {
    DWORD available = 0;
    if (!::WinHttpQueryDataAvailable(req.h, &available)) return failure("WinHttpQueryDataAvailable", request.url);
    if (available == 0) break;
    const std::size_t old = response.body.size();
    response.body.resize(old + available);
    DWORD read = 0;
    if (!::WinHttpReadData(req.h, &response.body[old], available, &read))
      return failure("WinHttpReadData", request.url);
    response.body.resize(old + read);
    if (read == 0) break;
  }
  return response;
}

inline HINTERNET open_session(const std::string& user_agent, long timeout_seconds) {
  const std::wstring agent = widen(user_agent);
  HINTERNET session = ::WinHttpOpen(agent.c_str(), WINHTTP_ACCESS_TYPE_DEFAULT_PROXY, WINHTTP_NO_PROXY_NAME,
                                    WINHTTP_NO_PROXY_BYPASS, 0);
  if (session != nullptr) {
    const int ms = static_cast<int>(timeout_seconds * 1000);
    ::WinHttpSetTimeouts(session, ms, ms, ms, ms);  // resolve, connect, send, receive
  }
  return session;
}

}  // namespace winhttp_detail

/// Blocking transport for logto::client.
class winhttp_transport {
 public:
  winhttp_transport() = default;
  winhttp_transport(const winhttp_transport&) = delete;
  winhttp_transport& operator=(const winhttp_transport&) = delete;
  ~winhttp_transport() {
    if (session_ != nullptr) ::WinHttpCloseHandle(session_);
  }

  /// Seconds before a request is abandoned (each of resolve, connect, send, receive).
  long timeout_seconds = 30;
  /// Keep cookies between requests on this transport (only the test provider's stand-in browser wants this).
  bool cookies = false;
  /// Sent as User-Agent.
  std::string user_agent = "logto-cpp-example/0.1";

  logto::result<logto::http_response> send(const logto::http_request& request) {
    if (session_ == nullptr) session_ = winhttp_detail::open_session(user_agent, timeout_seconds);
    if (session_ == nullptr) return winhttp_detail::failure("WinHttpOpen", request.url);
    return winhttp_detail::perform(session_, request, cookies);
  }

 private:
  HINTERNET session_ = nullptr;
};

/// Non-blocking transport for logto::async_client: `start` hands the request to the Windows thread
/// pool (a blocking WinHTTP exchange there); `poll()`, called once per frame on the host's thread,
/// runs the completions of the finished ones, on that thread. The frame thread never waits. (libcurl's
/// multi interface does the same on one thread, curl_multi_transport.hpp; WinHTTP's own asynchronous
/// mode calls back on its worker threads anyway, so a queue handed back to the frame thread is needed
/// either way, and this is the shortest correct one.)
class winhttp_async_transport {
 public:
  using completion = std::function<void(logto::result<logto::http_response>)>;

  winhttp_async_transport() : shared_(std::make_shared<state>()) {}
  winhttp_async_transport(const winhttp_async_transport&) = delete;
  winhttp_async_transport& operator=(const winhttp_async_transport&) = delete;
  // Work still running when this is destroyed finishes on the pool and is dropped: the jobs own the
  // shared state, not this object.

  long timeout_seconds = 30;

  /// Queues `request`; `done(result<http_response>)` runs from a later `poll()`.
  void start(const logto::http_request& request, completion done) {
    auto* work = new job{shared_, request, timeout_seconds, std::move(done)};
    ++pending_;
    if (!::QueueUserWorkItem(&winhttp_async_transport::run, work, WT_EXECUTEDEFAULT)) {
      auto failed = winhttp_detail::failure("QueueUserWorkItem", request.url);
      shared_->push(std::move(work->done), std::move(failed));
      delete work;
    }
  }

  /// Completes the finished requests (never waits). Returns how many are still running.
  std::size_t poll() {
    auto finished = shared_->take();
    pending_ -= finished.size();
    // Completions may start new requests: run them after the queue was taken.
    for (auto& f : finished) f.first(std::move(f.second));
    return pending_;
  }

 private:
  struct state {
    SRWLOCK lock = SRWLOCK_INIT;
    std::vector<std::pair<completion, logto::result<logto::http_response>>> done;
    void push(completion c, logto::result<logto::http_response> r) {
      ::AcquireSRWLockExclusive(&lock);
      done.emplace_back(std::move(c), std::move(r));
      ::ReleaseSRWLockExclusive(&lock);
    }
    std::vector<std::pair<completion, logto::result<logto::http_response>>> take() {
      std::vector<std::pair<completion, logto::result<logto::http_response>>> out;
      ::AcquireSRWLockExclusive(&lock);
      out.swap(done);
      ::ReleaseSRWLockExclusive(&lock);
      return out;
    }
  };
  struct job {
    std::shared_ptr<state> shared;
    logto::http_request request;
    long timeout_seconds;
    completion done;
  };

  static DWORD WINAPI run(LPVOID context) {
    std::unique_ptr<job> work(static_cast<job*>(context));
    winhttp_transport transport;
    transport.timeout_seconds = work->timeout_seconds;
    auto outcome = transport.send(work->request);
    work->shared->push(std::move(work->done), std::move(outcome));
    return 0;
  }

  std::shared_ptr<state> shared_;
  std::size_t pending_ = 0;
};

}  // namespace logto_examples
