// The access log: one JSON line per request, valid JSON even for a path that is not UTF-8.
#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <spdlog/sinks/ostream_sink.h>
#include <spdlog/spdlog.h>
#include <sys/socket.h>
#include <unistd.h>

#include <memory>
#include <nlohmann/json.hpp>
#include <sstream>
#include <string>

#include "gatehouse/portal/http_server.hpp"
#include "gatehouse/testing/wait.hpp"

namespace gatehouse::portal {
namespace {

// Sends one request and reads until the server closes the connection.
std::string roundTrip(std::uint16_t port, const std::string& request) {
  int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_port = htons(port);
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  if (::connect(fd, reinterpret_cast<sockaddr*>(&a), sizeof a) != 0) {
    ::close(fd);
    return {};
  }
  (void)!::send(fd, request.data(), request.size(), MSG_NOSIGNAL);
  std::string reply;
  char buf[4096];
  for (ssize_t n; (n = ::recv(fd, buf, sizeof buf, 0)) > 0;)
    reply.append(buf, static_cast<std::size_t>(n));
  ::close(fd);
  return reply;
}

// A percent-encoded path decodes to bytes that are not UTF-8, a quote and a backslash.
TEST(PortalAccessLog, APathThatIsNotUtf8StillLogsOneLineOfJson) {
  std::ostringstream out;
  auto sink = std::make_shared<spdlog::sinks::ostream_sink_mt>(out);
  sink->set_pattern("%v");
  spdlog::drop("access");
  auto logger = std::make_shared<spdlog::logger>("access", sink);
  spdlog::register_logger(logger);
  HttpHandlers h;
  h.handle = [](const HttpRequest&) {
    HttpResponse r;
    r.status = 404;
    r.body = R"({"error":"not_found"})";
    r.logUser = "Zo\u00eb";
    return r;
  };
  HttpServerOptions opt;
  opt.port = 0;
  opt.workerThreads = 1;
  HttpServer server(opt, h);
  server.start();
  const std::string reply = roundTrip(
      server.port(), "GET /caf%FF%22%5C%01 HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
  EXPECT_EQ(reply.rfind("HTTP/1.1 404", 0), 0u) << reply;
  ASSERT_TRUE(gatehouse::testing::waitUntil([&] {
    logger->flush();
    return out.str().find('\n') != std::string::npos;
  }));
  server.stop(std::chrono::seconds(2));
  spdlog::drop("access");
  const std::string line = out.str().substr(0, out.str().find('\n'));
  const auto j = nlohmann::json::parse(line, nullptr, false);
  ASSERT_FALSE(j.is_discarded()) << line;
  EXPECT_EQ(j["path"], "/caf\uFFFD\"\\\x01");
  EXPECT_EQ(j["method"], "GET");
  EXPECT_EQ(j["status"], 404);
  EXPECT_EQ(j["user"], "Zo\u00eb");
  EXPECT_EQ(j["remote"], "127.0.0.1");
  EXPECT_TRUE(j["ms"].is_number());
  EXPECT_TRUE(j["bytes"].is_number_unsigned());
}

}  // namespace
}  // namespace gatehouse::portal
