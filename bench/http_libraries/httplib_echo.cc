// Minimal cpp-httplib 0.11 echo server for the HTTP library bake-off.
// Debian ships httplib split (header + libcpp-httplib.so), so the header macro
// CPPHTTPLIB_THREAD_POOL_COUNT does not reach the compiled Server constructor;
// the pool size is set at run time through Server::new_task_queue instead.
// Usage: httplib_echo PORT [POOL]   (POOL 0 = library default, max(8, nproc-1))
#include <httplib.h>

#include <cstdlib>
#include <nlohmann/json.hpp>
#include <string>

int main(int argc, char** argv) {
  int port = argc > 1 ? std::atoi(argv[1]) : 18080;
  int pool = argc > 2 ? std::atoi(argv[2]) : 0;
  httplib::Server srv;
  if (pool > 0) {
    srv.new_task_queue = [pool] { return new httplib::ThreadPool(static_cast<size_t>(pool)); };
  }
  srv.set_tcp_nodelay(true);
  srv.set_keep_alive_max_count(1000000);  // default 5 would close wrk connections
  srv.set_keep_alive_timeout(120);        // keep idle connections open for the idle test
  srv.set_payload_max_length(64 * 1024);
  srv.Post("/v1/echo", [](const httplib::Request& req, httplib::Response& res) {
    auto j = nlohmann::json::parse(req.body, nullptr, /*allow_exceptions=*/false);
    if (j.is_discarded()) {
      res.status = 400;
      res.set_content(R"({"ok":false})", "application/json");
      return;
    }
    nlohmann::json out = {{"ok", true}, {"bytes", req.body.size()}};
    res.set_content(out.dump(), "application/json");
  });
  srv.listen("127.0.0.1", port);
  return 0;
}
