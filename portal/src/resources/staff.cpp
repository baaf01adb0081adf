// Staff resource (/api/staff/*, guards and admins): the slot helper "staff" fills.
#include "../route_table.hpp"

namespace gatehouse::portal {

void addStaffRoutes(RouteTable&) {}

}  // namespace gatehouse::portal
