// initLogging: spdlog's default logger on the journal under systemd, on stderr elsewhere.
#include "gatehouse/core/logging.hpp"

#include <spdlog/sinks/stdout_sinks.h>
#include <spdlog/sinks/systemd_sink.h>
#include <spdlog/spdlog.h>

#include <cstdlib>
#include <memory>

namespace gatehouse::service {

void initLogging(const std::string& programName) {
  std::shared_ptr<spdlog::sinks::sink> sink;
  if (std::getenv("JOURNAL_STREAM") != nullptr) {
    sink = std::make_shared<spdlog::sinks::systemd_sink_mt>(programName);
  } else {
    sink = std::make_shared<spdlog::sinks::stderr_sink_mt>();
    sink->set_pattern("%Y-%m-%d %H:%M:%S.%e [%l] %v");
  }
  auto logger = std::make_shared<spdlog::logger>(programName, sink);
  logger->set_level(spdlog::get_level());
  spdlog::set_default_logger(logger);
}

}  // namespace gatehouse::service
