// SSE parsing and the reconnecting stream client over libcurl.
#include "gatehouse/console/event_stream.hpp"

#include <algorithm>

#include "transport.hpp"

namespace gatehouse::console {

std::vector<SseEvent> SseParser::feed(std::string_view chunk) {
  std::vector<SseEvent> out;
  for (char c : chunk) {
    if (c == '\n' && lastWasCr_) {  // the LF of a CRLF: the line was already taken at CR
      lastWasCr_ = false;
      continue;
    }
    lastWasCr_ = c == '\r';
    if (c == '\n' || c == '\r') {
      line(buf_, out);
      buf_.clear();
    } else {
      buf_ += c;
    }
  }
  return out;
}

void SseParser::line(std::string_view l, std::vector<SseEvent>& out) {
  if (l.empty()) {
    if (hasData_) out.push_back(std::move(cur_));
    cur_ = SseEvent{};
    hasData_ = false;
    return;
  }
  if (l.front() == ':') {
    ++comments_;
    return;
  }
  const auto colon = l.find(':');
  std::string_view field = l.substr(0, colon), value;
  if (colon != std::string_view::npos) {
    value = l.substr(colon + 1);
    if (!value.empty() && value.front() == ' ') value.remove_prefix(1);
  }
  if (field == "event") {
    cur_.event = value.empty() ? "message" : std::string(value);
  } else if (field == "data") {
    if (hasData_) cur_.data += '\n';
    cur_.data += value;
    hasData_ = true;
  } else if (field == "id") {
    cur_.id = value;
  } else if (field == "retry") {
    if (!value.empty() && std::all_of(value.begin(), value.end(), ::isdigit) && value.size() < 9)
      retryMs_ = std::stoi(std::string(value));
  }
}

EventStream::EventStream(ServerClient& client, std::function<void(const SseEvent&)> onEvent,
                         std::function<void(bool)> onState, StreamOptions options)
    : client_(client),
      onEvent_(std::move(onEvent)),
      onState_(std::move(onState)),
      options_(options) {}

EventStream::~EventStream() { stop(); }

void EventStream::start() {
  stop_ = false;
  thread_ = std::thread([this] { run(); });
}

void EventStream::stop() {
  {
    std::lock_guard lock(m_);
    stop_ = true;
  }
  cv_.notify_all();
  if (thread_.joinable()) thread_.join();
}

void EventStream::run() {
  auto backoff = options_.backoffMin;
  while (!stop_) {
    const auto t0 = std::chrono::steady_clock::now();
    if (!once()) {
      signedOut_ = true;
      onState_(false);
      return;
    }
    // A stream that stayed up a while starts the backoff over.
    if (std::chrono::steady_clock::now() - t0 > options_.backoffMax) backoff = options_.backoffMin;
    std::unique_lock lock(m_);
    cv_.wait_for(lock, backoff, [this] { return stop_.load(); });
    backoff = std::min(backoff * 2, options_.backoffMax);
  }
}

namespace {

struct StreamState {
  EventStream* self = nullptr;
  SseParser parser;
  const std::atomic<bool>* stop = nullptr;
  std::function<void(const SseEvent&)>* onEvent = nullptr;
  std::function<void(bool)>* onState = nullptr;
  bool open = false;
  long status = 0;
  CURL* curl = nullptr;
};

std::size_t onData(char* data, std::size_t size, std::size_t n, void* user) {
  auto* s = static_cast<StreamState*>(user);
  if (!s->open) {
    curl_easy_getinfo(s->curl, CURLINFO_RESPONSE_CODE, &s->status);
    if (s->status != 200) return 0;  // an error body: stop reading, the status says it all
    s->open = true;
    (*s->onState)(true);
  }
  for (const auto& e : s->parser.feed(std::string_view(data, size * n))) (*s->onEvent)(e);
  return size * n;
}

int onProgress(void* user, curl_off_t, curl_off_t, curl_off_t, curl_off_t) {
  return static_cast<StreamState*>(user)->stop->load() ? 1 : 0;
}

}  // namespace

bool EventStream::once() {
  const std::string cookie = client_.cookie();
  if (cookie.empty()) return false;
  detail::globalCurlInit();
  CURL* c = curl_easy_init();
  detail::applyTransport(c, client_.options());
  const std::string url = detail::joinUrl(client_.options().url, "/api/staff/events");
  StreamState st;
  st.self = this;
  st.stop = &stop_;
  st.onEvent = &onEvent_;
  st.onState = &onState_;
  st.curl = c;
  curl_easy_setopt(c, CURLOPT_URL, url.c_str());
  curl_easy_setopt(c, CURLOPT_COOKIE, cookie.c_str());
  curl_slist* headers = curl_slist_append(nullptr, "Accept: text/event-stream");
  curl_easy_setopt(c, CURLOPT_HTTPHEADER, headers);
  curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, onData);
  curl_easy_setopt(c, CURLOPT_WRITEDATA, &st);
  curl_easy_setopt(c, CURLOPT_NOPROGRESS, 0L);
  curl_easy_setopt(c, CURLOPT_XFERINFOFUNCTION, onProgress);
  curl_easy_setopt(c, CURLOPT_XFERINFODATA, &st);
  // The server pings at least every 15 s; silence this long means a dead link.
  curl_easy_setopt(c, CURLOPT_LOW_SPEED_LIMIT, 1L);
  curl_easy_setopt(c, CURLOPT_LOW_SPEED_TIME, static_cast<long>(options_.silenceLimit.count()));
  ++connects_;
  curl_easy_perform(c);
  long status = st.status;
  if (!st.open) curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &status);
  curl_slist_free_all(headers);
  curl_easy_cleanup(c);
  if (st.open) onState_(false);
  return status != 401 && status != 403;
}

}  // namespace gatehouse::console
