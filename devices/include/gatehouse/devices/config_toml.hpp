// For callers that already parsed kiosk.toml with toml++: hand over the [devices] table.
#pragma once
#include <toml++/toml.h>

#include "gatehouse/devices/config.hpp"

namespace gatehouse::devices {

Result<DevicesConfig> devicesConfigFromToml(const toml::table& devicesTable);

}  // namespace gatehouse::devices
