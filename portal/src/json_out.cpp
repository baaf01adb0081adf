// The server's one JSON serialiser and its shared value helpers.
#include "json_out.hpp"

namespace gatehouse::portal {

std::string dumpJson(const json& j) {
  return j.dump(-1, ' ', false, json::error_handler_t::replace);
}

std::int64_t msOf(JsonTime t) {
  return std::chrono::duration_cast<std::chrono::milliseconds>(t.time_since_epoch()).count();
}

json msOrNull(const std::optional<JsonTime>& t) { return t ? json(msOf(*t)) : json(nullptr); }

json orNull(const std::optional<Uuid>& v) { return v ? json(v->toString()) : json(nullptr); }

}  // namespace gatehouse::portal
