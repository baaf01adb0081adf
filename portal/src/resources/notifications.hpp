// Notification pieces the live resource reuses.
#pragma once
#include <cstdint>

#include "../context.hpp"

namespace gatehouse::portal {

// How many of the acting person's notifications are unread.
std::int64_t unreadCount(backend::Connection& c);

}  // namespace gatehouse::portal
