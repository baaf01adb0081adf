// Pieces shared between the printer front end and the CUPS back end.
#pragma once
#include <memory>
#include <string>
#include <vector>

#include "gatehouse/devices/printer.hpp"

namespace gatehouse::devices {

std::unique_ptr<BadgePrinter> makeCupsPrinter(const PrinterConfig& config);
PrintState stateFromSubmitError(const std::string& code);

}  // namespace gatehouse::devices
