// Admin-only staff routes that reuse gatehouse-admin's privacy code: retention and holds.
#pragma once
#include "staff_api.hpp"

namespace gatehouse::portal {

HttpResponse staffRetentionGet(const StaffRequest& r);
HttpResponse staffRetentionSet(const StaffRequest& r);

}  // namespace gatehouse::portal
