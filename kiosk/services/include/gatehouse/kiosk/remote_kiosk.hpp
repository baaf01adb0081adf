// The real Remote: backend::KioskClient (restricted role gatehouse_kiosk, kiosk id + token per
// call).
#pragma once
#include <memory>
#include <string>

#include "gatehouse/kiosk/sync.hpp"

namespace gatehouse::kiosk {

// Connects at once; throws backend::Error(ConnectionLost) when the database is unreachable.
std::unique_ptr<Remote> connectKioskRemote(const std::string& databaseUrl, std::int64_t kioskId,
                                           const std::string& token);

}  // namespace gatehouse::kiosk
