// game_sign_in: a game-style sign-in screen. An SDL2 window whose render loop never stalls: the device
// flow (RFC 8628) runs through logto::async_client over a libcurl multi transport that the loop pumps
// once per frame, on the loop's own thread (no other threads). The code screen shows the verification
// URI and the user code as text and as a QR code of `verification_uri_complete` (libqrencode).
//
//   game_sign_in                                                   # the bundled test provider at :3001
//   game_sign_in --endpoint https://YOUR_TENANT.logto.app --app-id YOUR_APP_ID [--resource URL]
//
// Options (see README.md): --resource URL, --scope S (repeatable), --fps N, and for tests and
// screenshots --script ACTIONS (comma-separated button presses: sign-in, retry, cancel, sign-out,
// back), --screenshot-dir DIR (a BMP of each screen), --max-frames N.
//
// Text is drawn with a small built-in bitmap font (bitmap_font.hpp), so SDL2 and libqrencode are the
// only extra libraries. The library itself depends on neither.
#include <logto/logto.hpp>

#define SDL_MAIN_HANDLED  // a plain main(), no SDL2main library
#include <SDL.h>
#include <qrencode.h>

#include <algorithm>  // std::min
#include <cstdint>    // std::int64_t
#include <cstdio>     // std::printf
#include <ctime>      // std::gmtime
#include <memory>     // std::shared_ptr
#include <string>     // std::string
#include <vector>     // std::vector

#include "examples/common/http_transport.hpp"  // libcurl multi; WinHTTP on Windows
#include "examples/game_sign_in/bitmap_font.hpp"

namespace {

// The bundled test provider (tests/interop/provider) started on this port, with its native client:
// what runs when no flag is given. A local Logto OSS instance also listens on 3001 by default.
constexpr const char* default_endpoint = "http://127.0.0.1:3001";
constexpr const char* default_app_id = "test-native-app";
constexpr const char* default_resource = "https://api.example.com";  // an API resource of the test provider

constexpr int window_w = 800;
constexpr int window_h = 600;

struct options {
  std::string endpoint, app_id, resource;
  std::vector<std::string> scopes;
  std::vector<std::string> script;  // button presses, in order
  std::string screenshot_dir;
  long max_frames = -1;  // -1: until the window is closed
  int fps = 60;
};

std::vector<std::string> split(const std::string& s, char sep) {
  std::vector<std::string> out;
  std::string cur;
  for (char c : s) {
    if (c == sep) {
      if (!cur.empty()) out.push_back(cur);
      cur.clear();
    } else {
      cur += c;
    }
  }
  if (!cur.empty()) out.push_back(cur);
  return out;
}

int parse_args(int argc, char** argv, options& o) {
  bool resource_given = false;
  for (int i = 1; i < argc; ++i) {
    const std::string arg = argv[i];
    const auto value = [&]() -> std::string { return i + 1 < argc ? argv[++i] : std::string(); };
    if (arg == "--endpoint") {
      o.endpoint = value();
    } else if (arg == "--app-id") {
      o.app_id = value();
    } else if (arg == "--resource") {
      o.resource = value();
      resource_given = true;
    } else if (arg == "--scope") {
      o.scopes.push_back(value());
    } else if (arg == "--script") {
      o.script = split(value(), ',');
    } else if (arg == "--screenshot-dir") {
      o.screenshot_dir = value();
    } else if (arg == "--max-frames") {
      o.max_frames = std::stol(value());
    } else if (arg == "--fps") {
      o.fps = std::max(1, std::stoi(value()));
    } else {
      std::fprintf(stderr,
                   "usage: game_sign_in [--endpoint URL --app-id ID] [--resource URL] [--scope S]... [--fps N]\n"
                   "                    [--script sign-in,retry,cancel,sign-out,back] [--screenshot-dir DIR]\n"
                   "                    [--max-frames N]\n"
                   "Without --endpoint: the bundled test provider at %s (app %s, resource %s).\n",
                   default_endpoint, default_app_id, default_resource);
      return 2;
    }
  }
  if (o.endpoint.empty() && !o.app_id.empty()) {
    std::fprintf(stderr, "game_sign_in: --app-id needs --endpoint (your Logto tenant's URL)\n");
    return 2;
  }
  if (o.endpoint.empty()) {  // the bundled provider, all defaults
    o.endpoint = default_endpoint;
    o.app_id = default_app_id;
    if (!resource_given) o.resource = default_resource;
  } else if (o.app_id.empty()) {
    std::fprintf(stderr, "game_sign_in: --endpoint needs --app-id (the App ID of a Native app in Logto Console)\n");
    return 2;
  }
  while (!o.endpoint.empty() && o.endpoint.back() == '/') o.endpoint.pop_back();
  return 0;
}

using transport_t = logto_examples::async_http_transport;
using client_t = logto::async_client<transport_t, logto::memory_storage, logto::system_clock,
                                     logto::crypto::default_random, logto::null_mutex>;  // one thread

enum class screen { title, starting, code, finishing, signed_in, signing_out, failed };

const char* screen_name(screen s) {
  switch (s) {
    case screen::title: return "title";
    case screen::starting: return "starting";
    case screen::code: return "code";
    case screen::finishing: return "finishing";
    case screen::signed_in: return "signed_in";
    case screen::signing_out: return "signing_out";
    case screen::failed: return "failed";
  }
  return "?";
}

struct button {
  SDL_Rect rect;
  std::string label;
  std::string action;  // what --script names it
};

std::string utc_time(std::int64_t unix_seconds) {
  const std::time_t t = static_cast<std::time_t>(unix_seconds);
  std::tm tm{};
#if defined(_WIN32)
  gmtime_s(&tm, &t);
#else
  gmtime_r(&t, &tm);
#endif
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y-%m-%d %H:%M:%S UTC", &tm);
  return buf;
}

// A headline a player understands for the errors the device flow can end with; the details (Logto's
// error code and message) go below it.
const char* headline(logto::errc code) {
  switch (code) {
    case logto::errc::access_denied: return "Sign-in was declined.";
    case logto::errc::expired_token: return "The code expired before it was used.";
    case logto::errc::transport_error: return "Can't reach the sign-in server. Are you offline?";
    default: return "Sign-in failed.";
  }
}

// Breaks `text` into lines of at most `width` characters: at a space (dropped) or after a '/' (kept,
// for URLs) where it can.
std::vector<std::string> wrap(const std::string& text, std::size_t width) {
  std::vector<std::string> lines;
  std::string rest = text;
  while (rest.size() > width) {
    const std::size_t space = rest.rfind(' ', width);
    const std::size_t slash = rest.rfind('/', width - 1);
    std::size_t cut = width, skip = 0;
    if (space != std::string::npos && space > 0 && (slash == std::string::npos || space >= slash)) {
      cut = space;
      skip = 1;
    } else if (slash != std::string::npos && slash > 0) {
      cut = slash + 1;
    }
    lines.push_back(rest.substr(0, cut));
    rest = rest.substr(cut + skip);
  }
  lines.push_back(rest);
  return lines;
}

// The game's sign-in screens. Everything runs on the thread of main(): the frame loop, transport.poll() and therefore
// every completion of the client.
class sign_in_screen {
 public:
  sign_in_screen(const options& o, SDL_Renderer* renderer)
      : o_(o), renderer_(renderer), client_(make_config(o), transport_, storage_) {}

  bool valid(std::string& why) const {
    auto v = client_.valid();
    if (!v) why = v.error().message;
    return static_cast<bool>(v);
  }

  /// Runs until the window closes, the script is done or --max-frames; returns the exit status.
  int run() {
    const Uint32 frame_ms = static_cast<Uint32>(1000 / o_.fps);
    go(screen::title);
    for (;;) {
      const Uint32 frame_start = SDL_GetTicks();
      // A frame is one pass of this loop: a request the script starts at the end of a pass is answered
      // by the next pass's poll() at the earliest, one frame later.
      ++frame_;
      SDL_Event e;
      while (SDL_PollEvent(&e) != 0) {
        if (e.type == SDL_QUIT) return finish(0);
        if (e.type == SDL_MOUSEBUTTONDOWN && e.button.button == SDL_BUTTON_LEFT) click(e.button.x, e.button.y);
        if (e.type == SDL_KEYDOWN) key(e.key.keysym.sym);
      }
      transport_.poll();  // HTTP advances; completions run here, on this thread
      update();
      draw();
      if (!o_.screenshot_dir.empty() && frames_on_screen_ == 5) screenshot();
      SDL_RenderPresent(renderer_);
      ++frames_on_screen_;
      if (script_next_ < o_.script.size() && frames_on_screen_ >= 10) {  // after the screenshot
        press(o_.script[script_next_], true);
      }
      if (!o_.script.empty() && script_next_ == o_.script.size() && at_rest() && frames_on_screen_ > 5) {
        std::printf("[frame %ld] script done\n", frame_);
        return finish(0);
      }
      if (o_.max_frames >= 0 && frame_ >= o_.max_frames) {
        std::fprintf(stderr, "game_sign_in: stopped after %ld frames on the %s screen\n", frame_, screen_name(at_));
        return finish(1);
      }
      const Uint32 spent = SDL_GetTicks() - frame_start;  // the game's frame pacing, not the library's
      if (spent < frame_ms) SDL_Delay(frame_ms - spent);
    }
  }

 private:
  static logto::config make_config(const options& o) {
    logto::config cfg;
    cfg.endpoint = o.endpoint;
    cfg.app_id = o.app_id;
    cfg.scopes = o.scopes;
    if (!o.resource.empty()) cfg.resources = {o.resource};
    return cfg;
  }

  bool at_rest() const { return at_ == screen::title || at_ == screen::failed || at_ == screen::signed_in; }

  void go(screen s) {
    at_ = s;
    frames_on_screen_ = 0;
    std::printf("[frame %ld] screen %s\n", frame_, screen_name(s));
    std::fflush(stdout);  // the test reads these lines while the game runs
  }

  // ---- requests: each one remembers the frame it started in; the answer says how many frames later
  // it came (at least 1 when nothing blocked the loop)

  long begin_request(const char* what) {
    std::printf("[frame %ld] request %s sent\n", frame_, what);
    return frame_;
  }
  void answered(const char* what, long sent_at) {
    const long took = frame_ - sent_at;
    if (took < 1) blocked_answers_ += 1;
    std::printf("[frame %ld] request %s answered, %ld frames later\n", frame_, what, took);
    std::fflush(stdout);
  }

  void fail(const logto::error& e) {
    failure_ = e;
    std::printf("[frame %ld] error %s: %s\n", frame_, std::string(logto::to_string(e.code)).c_str(), e.message.c_str());
    go(screen::failed);
  }

  void start_sign_in() {
    ++generation_;
    const unsigned gen = generation_;
    go(screen::starting);
    const long sent = begin_request("device_authorization");
    client_.start_device_sign_in([this, gen, sent](logto::result<logto::device_sign_in> flow) {
      answered("device_authorization", sent);
      if (gen != generation_) return;  // cancelled meanwhile
      if (!flow) return fail(flow.error());
      flow_ = std::make_shared<logto::device_sign_in>(std::move(*flow));
      next_poll_at_ = flow_->poller.next_poll_at();
      make_qr(flow_->authorization.verification_uri_complete.value_or(flow_->authorization.verification_uri));
      const auto& a = flow_->authorization;
      std::printf("[frame %ld] user_code %s\n[frame %ld] verification_uri %s\n[frame %ld] qr %s\n", frame_,
                  a.user_code.c_str(), frame_, a.verification_uri.c_str(), frame_,
                  a.verification_uri_complete.value_or(a.verification_uri).c_str());
      go(screen::code);
    });
  }

  void update() {
    if (at_ != screen::code || polling_ || logto::system_clock{}.now() < next_poll_at_) return;
    // The library keeps no timers: the loop checks each frame whether the next poll is due.
    polling_ = true;
    const unsigned gen = generation_;
    const long sent = begin_request("device_poll");
    auto flow = flow_;  // kept alive by the completion even if the player cancels meanwhile
    client_.poll_device_sign_in(*flow, [this, gen, sent, flow](logto::result<logto::device_poll_status> polled) {
      polling_ = false;
      answered("device_poll", sent);
      if (gen != generation_) return;
      if (!polled) return fail(polled.error());
      if (!polled->signed_in) {
        next_poll_at_ = polled->next_poll_at;
        return;
      }
      go(screen::finishing);
      const long token_sent = begin_request("access_token");
      client_.get_access_token(o_.resource, [this, gen, token_sent](logto::result<std::string> token) {
        answered("access_token", token_sent);
        if (gen != generation_) return;
        if (!token) return fail(token.error());
        show_signed_in();
      });
    });
  }

  void show_signed_in() {
    auto claims = client_.get_id_token_claims();
    user_name_ = "?";
    if (claims) {
      user_name_ = claims->name ? *claims->name : claims->username ? *claims->username : claims->sub;
    }
    // The expiry the client stored with the token (expires_in from the token response), read from the
    // session in @logto/client's format: the same for a JWT and an opaque token.
    token_expires_at_ = 0;
    if (auto stored = storage_.get(logto::oidc::storage_keys::access_token)) {
      if (auto map = logto::oidc::parse_access_token_map(*stored)) {
        if (const auto* entry = map->find(logto::oidc::build_access_token_key(o_.resource))) {
          token_expires_at_ = static_cast<std::int64_t>(entry->expires_at);
        }
      }
    }
    std::printf("[frame %ld] signed in as %s; access token for %s expires at %s\n", frame_, user_name_.c_str(),
                o_.resource.empty() ? "userinfo" : o_.resource.c_str(), utc_time(token_expires_at_).c_str());
    go(screen::signed_in);
  }

  void start_sign_out() {
    ++generation_;
    go(screen::signing_out);
    const long sent = begin_request("revocation");
    // Revokes the refresh token (its whole grant) and forgets the session. The end-session URI it
    // returns is for a browser session; the device flow has none, so it is not opened.
    client_.sign_out("", [this, sent](logto::result<std::string> r) {
      answered("revocation", sent);
      if (!r) return fail(r.error());
      std::printf("[frame %ld] signed out\n", frame_);
      go(screen::title);
    });
  }

  void cancel() {
    ++generation_;  // a poll still on its way is ignored when it lands
    flow_.reset();
    go(screen::title);
  }

  // ---- input

  void press(const std::string& action, bool scripted) {
    for (const auto& b : buttons_) {
      if (b.action != action) continue;
      if (scripted) {
        std::printf("[frame %ld] script presses %s\n", frame_, action.c_str());
        ++script_next_;
      }
      if (action == "sign-in" || action == "retry") start_sign_in();
      if (action == "cancel" || action == "back") cancel();
      if (action == "sign-out") start_sign_out();
      return;
    }
  }
  void click(int x, int y) {
    const SDL_Point p{x, y};
    for (const auto& b : buttons_) {
      if (SDL_PointInRect(&p, &b.rect) == SDL_TRUE) return press(b.action, false);
    }
  }
  void key(SDL_Keycode k) {  // Enter: the first button; Escape: Cancel or Back where there is one
    if (buttons_.empty()) return;
    if (k == SDLK_RETURN || k == SDLK_KP_ENTER || k == SDLK_SPACE) press(buttons_.front().action, false);
    if (k == SDLK_ESCAPE) {
      press("cancel", false);
      press("back", false);
    }
  }

  // ---- drawing

  void colour(Uint8 r, Uint8 g, Uint8 b) { SDL_SetRenderDrawColor(renderer_, r, g, b, 255); }
  void text(int x, int y, const std::string& s, int scale) { pixel_font::draw_text(renderer_, x, y, s, scale); }
  void centred(int y, const std::string& s, int scale) {
    text((window_w - pixel_font::text_width(s, scale)) / 2, y, s, scale);
  }

  void add_button(int x, int y, const std::string& label, const std::string& action) {
    buttons_.push_back(button{SDL_Rect{x, y, 220, 56}, label, action});
  }

  // A spinner: eight dots around a circle, one lit per few frames. It moves only if frames are drawn.
  void spinner(int cx, int cy) {
    static const int dx[8] = {0, 14, 20, 14, 0, -14, -20, -14};
    static const int dy[8] = {-20, -14, 0, 14, 20, 14, 0, -14};
    const long lit = (frame_ / 6) % 8;
    for (int i = 0; i < 8; ++i) {
      const Uint8 level = i == lit ? 255 : 90;
      colour(level, level, static_cast<Uint8>(level / 2 + 127));
      const SDL_Rect dot{cx + dx[i] - 4, cy + dy[i] - 4, 8, 8};
      SDL_RenderFillRect(renderer_, &dot);
    }
  }

  void make_qr(const std::string& data) {
    qr_.clear();
    qr_width_ = 0;
    QRcode* code = QRcode_encodeString(data.c_str(), 0, QR_ECLEVEL_M, QR_MODE_8, 1);
    if (code == nullptr) return;  // too long for a QR code: the text is still shown
    qr_width_ = code->width;
    qr_.assign(code->data, code->data + static_cast<std::size_t>(code->width) * static_cast<std::size_t>(code->width));
    QRcode_free(code);
  }

  void draw_qr(int x, int y, int size) {
    if (qr_width_ == 0) return;
    const int quiet = 4;  // the white border a scanner needs (ISO/IEC 18004: four modules)
    const int module = size / (qr_width_ + 2 * quiet);
    const int total = module * (qr_width_ + 2 * quiet);
    colour(255, 255, 255);
    const SDL_Rect bg{x, y, total, total};
    SDL_RenderFillRect(renderer_, &bg);
    colour(0, 0, 0);
    for (int row = 0; row < qr_width_; ++row) {
      for (int col = 0; col < qr_width_; ++col) {
        if ((qr_[static_cast<std::size_t>(row * qr_width_ + col)] & 1) == 0) continue;  // bit 0: dark module
        const SDL_Rect m{x + (quiet + col) * module, y + (quiet + row) * module, module, module};
        SDL_RenderFillRect(renderer_, &m);
      }
    }
  }

  void draw() {
    buttons_.clear();
    colour(24, 26, 48);
    SDL_RenderClear(renderer_);
    colour(140, 150, 255);
    text(24, 20, "LOGTO-CPP  GAME SIGN-IN", 3);
    colour(110, 115, 150);
    text(24, 52, o_.endpoint, 2);
    const std::string counter = "frame " + std::to_string(frame_);
    text(window_w - 24 - pixel_font::text_width(counter, 2), 20, counter, 2);

    switch (at_) {
      case screen::title:
        colour(235, 235, 245);
        centred(190, "Sign in to save your progress", 3);
        add_button(290, 280, "Sign in", "sign-in");
        break;
      case screen::starting:
      case screen::finishing:
      case screen::signing_out:
        colour(235, 235, 245);
        centred(220,
                at_ == screen::starting    ? "Asking for a code..."
                : at_ == screen::finishing ? "Signed in. Getting your token..."
                                           : "Signing out...",
                3);
        spinner(window_w / 2, 330);
        break;
      case screen::code: draw_code(); break;
      case screen::signed_in:
        colour(150, 230, 160);
        centred(150, "Signed in as " + user_name_, 4);
        colour(235, 235, 245);
        centred(230, "API access token", 2);
        centred(256, o_.resource.empty() ? "(userinfo)" : o_.resource, 2);
        centred(290, "expires " + utc_time(token_expires_at_), 2);
        add_button(290, 380, "Sign out", "sign-out");
        break;
      case screen::failed: {
        colour(255, 140, 130);
        centred(150, headline(failure_.code), 3);
        colour(235, 235, 245);
        int y = 210;
        const std::string detail = std::string(logto::to_string(failure_.code)) + ": " + failure_.message;
        for (const auto& line : wrap(detail, 60)) {
          if (y > 360) break;
          text(40, y, line, 2);
          y += 22;
        }
        add_button(160, 420, "Retry", "retry");
        add_button(420, 420, "Back", "back");
        break;
      }
    }
    for (const auto& b : buttons_) {
      colour(90, 100, 230);
      SDL_RenderFillRect(renderer_, &b.rect);
      colour(255, 255, 255);
      text(b.rect.x + (b.rect.w - pixel_font::text_width(b.label, 3)) / 2, b.rect.y + (b.rect.h - 21) / 2, b.label, 3);
    }
  }

  void draw_code() {
    const auto& a = flow_->authorization;
    draw_qr(40, 110, 330);
    colour(235, 235, 245);
    text(400, 120, "Scan the code, or open", 2);
    colour(140, 200, 255);
    int y = 148;
    for (const auto& line : wrap(a.verification_uri, 30)) {
      text(400, y, line, 2);
      y += 22;
    }
    colour(235, 235, 245);
    text(400, y + 12, "and enter", 2);
    colour(255, 220, 120);
    text(400, y + 44, a.user_code, 5);
    colour(180, 180, 200);
    std::string waiting = "Waiting for you";
    waiting.append(static_cast<std::size_t>((frame_ / 20) % 4), '.');
    text(400, y + 110, waiting, 2);
    spinner(700, y + 170);
    add_button(400, 470, "Cancel", "cancel");
  }

  void screenshot() {
    const std::string path = o_.screenshot_dir + "/" + screen_name(at_) + ".bmp";
    SDL_Surface* shot = SDL_CreateRGBSurfaceWithFormat(0, window_w, window_h, 32, SDL_PIXELFORMAT_ARGB8888);
    if (shot == nullptr) return;
    if (SDL_RenderReadPixels(renderer_, nullptr, SDL_PIXELFORMAT_ARGB8888, shot->pixels, shot->pitch) == 0 &&
        SDL_SaveBMP(shot, path.c_str()) == 0) {
      std::printf("[frame %ld] screenshot %s %s\n", frame_, screen_name(at_), path.c_str());
    } else {
      std::fprintf(stderr, "game_sign_in: screenshot %s failed: %s\n", path.c_str(), SDL_GetError());
    }
    std::fflush(stdout);
    SDL_FreeSurface(shot);
  }

  int finish(int status) {
    std::printf("[frame %ld] exit: %ld frames drawn, %ld answers arrived in the frame they were sent\n", frame_, frame_,
                blocked_answers_);
    // Every answer must have come at least one frame after its request: the loop never waited for one.
    return status == 0 && blocked_answers_ == 0 ? 0 : 1;
  }

  const options& o_;
  SDL_Renderer* renderer_;
  transport_t transport_;
  logto::memory_storage storage_;
  client_t client_;

  screen at_ = screen::title;
  long frame_ = 0;
  long frames_on_screen_ = 0;
  long blocked_answers_ = 0;
  unsigned generation_ = 0;  // bumped by cancel/sign-out/retry: completions of an older one are ignored
  std::size_t script_next_ = 0;
  std::vector<button> buttons_;

  std::shared_ptr<logto::device_sign_in> flow_;
  std::int64_t next_poll_at_ = 0;
  bool polling_ = false;
  std::vector<unsigned char> qr_;
  int qr_width_ = 0;
  logto::error failure_{};
  std::string user_name_;
  std::int64_t token_expires_at_ = 0;
};

}  // namespace

int main(int argc, char** argv) {
  options o;
  if (const int status = parse_args(argc, argv, o); status != 0) return status;
  std::printf("game_sign_in: %s, app %s, resource %s\n", o.endpoint.c_str(), o.app_id.c_str(),
              o.resource.empty() ? "(none)" : o.resource.c_str());

  if (SDL_Init(SDL_INIT_VIDEO) != 0) {
    std::fprintf(stderr, "game_sign_in: SDL_Init failed: %s (is there a display? try xvfb-run)\n", SDL_GetError());
    return 1;
  }
  SDL_Window* window =
      SDL_CreateWindow("logto-cpp game sign-in", SDL_WINDOWPOS_CENTERED, SDL_WINDOWPOS_CENTERED, window_w, window_h, 0);
  SDL_Renderer* renderer = window == nullptr ? nullptr : SDL_CreateRenderer(window, -1, 0);
  if (renderer == nullptr) {
    std::fprintf(stderr, "game_sign_in: no window or renderer: %s\n", SDL_GetError());
    SDL_Quit();
    return 1;
  }
  int status = 0;
  {
    sign_in_screen g(o, renderer);
    std::string why;
    if (!g.valid(why)) {
      std::fprintf(stderr, "game_sign_in: invalid configuration: %s\n", why.c_str());
      status = 2;
    } else {
      status = g.run();
    }
  }
  SDL_DestroyRenderer(renderer);
  SDL_DestroyWindow(window);
  SDL_Quit();
  return status;
}
