// The composer the push service uses: each device's message carries its own action token.
#pragma once
#include "../context.hpp"
#include "../push.hpp"

namespace gatehouse::portal {

PushService::Composer devicePushComposer(Context& ctx);

}  // namespace gatehouse::portal
