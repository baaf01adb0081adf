// Live events: what the database announces, fanned out to the residents' open streams.
#pragma once
#include "../context.hpp"
#include "gatehouse/backend/listener.hpp"

namespace gatehouse::portal {

// One NOTIFY on channel "gatehouse": visits and evidence go to the unit's streams,
// notifications wake delivery and push and update the unread count.
void onLiveNotify(Context& ctx, const backend::Notification& n);
// The listener lost its connection: every stream must reload, delivery must look again.
void onLiveResync(Context& ctx);
// Every streamPingSeconds: ends streams whose session expired and pings the rest.
void liveHeartbeat(Context& ctx);

}  // namespace gatehouse::portal
