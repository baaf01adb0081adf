// One logging set-up for the services: levels reach the journal under systemd, stderr otherwise.
#pragma once

#include <string>

namespace gatehouse::service {

// Makes spdlog's default logger write through sd_journal (PRIORITY and SYSLOG_IDENTIFIER set
// from each message's level) when stderr is the journal (systemd sets JOURNAL_STREAM), and to
// stderr with the level in brackets otherwise. Call once at start-up, before other threads log.
void initLogging(const std::string& programName);

}  // namespace gatehouse::service
