// Minimal Boost.Beast (1.81) async echo server for the HTTP library bake-off.
// One io_context run by NTHREADS threads (default 2), one strand per connection.
// Usage: beast_echo PORT [NTHREADS]
#include <boost/asio.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <cstdlib>
#include <memory>
#include <nlohmann/json.hpp>
#include <optional>
#include <thread>
#include <vector>

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using tcp = asio::ip::tcp;

class Session : public std::enable_shared_from_this<Session> {
 public:
  explicit Session(tcp::socket&& s) : stream_(std::move(s)) {}
  void start() {
    asio::dispatch(stream_.get_executor(),
                   beast::bind_front_handler(&Session::read, shared_from_this()));
  }

 private:
  void read() {
    parser_.emplace();
    parser_->body_limit(64 * 1024);
    parser_->header_limit(16 * 1024);
    stream_.expires_after(std::chrono::seconds(120));
    http::async_read(stream_, buf_, *parser_,
                     beast::bind_front_handler(&Session::on_read, shared_from_this()));
  }
  void on_read(beast::error_code ec, std::size_t) {
    if (ec) {
      close();
      return;
    }
    auto req = parser_->release();
    res_ = {};
    res_.version(req.version());
    res_.keep_alive(req.keep_alive());
    res_.set(http::field::content_type, "application/json");
    if (req.method() == http::verb::post && req.target() == "/v1/echo") {
      auto j = nlohmann::json::parse(req.body(), nullptr, false);
      if (j.is_discarded()) {
        res_.result(http::status::bad_request);
        res_.body() = R"({"ok":false})";
      } else {
        res_.result(http::status::ok);
        res_.body() = nlohmann::json{{"ok", true}, {"bytes", req.body().size()}}.dump();
      }
    } else {
      res_.result(http::status::not_found);
      res_.body() = R"({"ok":false})";
    }
    res_.prepare_payload();
    http::async_write(stream_, res_,
                      beast::bind_front_handler(&Session::on_write, shared_from_this()));
  }
  void on_write(beast::error_code ec, std::size_t) {
    if (ec || !res_.keep_alive()) {
      close();
      return;
    }
    read();
  }
  void close() {
    beast::error_code ec;
    stream_.socket().shutdown(tcp::socket::shutdown_send, ec);
  }

  beast::tcp_stream stream_;
  beast::flat_buffer buf_;
  std::optional<http::request_parser<http::string_body>> parser_;
  http::response<http::string_body> res_;
};

class Listener : public std::enable_shared_from_this<Listener> {
 public:
  Listener(asio::io_context& ioc, tcp::endpoint ep) : ioc_(ioc), acc_(asio::make_strand(ioc)) {
    acc_.open(ep.protocol());
    acc_.set_option(asio::socket_base::reuse_address(true));
    acc_.bind(ep);
    acc_.listen(4096);
  }
  void accept() {
    acc_.async_accept(asio::make_strand(ioc_),
                      beast::bind_front_handler(&Listener::on_accept, shared_from_this()));
  }

 private:
  void on_accept(beast::error_code ec, tcp::socket s) {
    if (!ec) {
      s.set_option(tcp::no_delay(true), ec);
      std::make_shared<Session>(std::move(s))->start();
    }
    accept();
  }
  asio::io_context& ioc_;
  tcp::acceptor acc_;
};

int main(int argc, char** argv) {
  unsigned short port = argc > 1 ? static_cast<unsigned short>(std::atoi(argv[1])) : 18081;
  int threads = argc > 2 ? std::atoi(argv[2]) : 2;
  asio::io_context ioc(threads);
  std::make_shared<Listener>(ioc, tcp::endpoint(asio::ip::make_address("127.0.0.1"), port))
      ->accept();
  std::vector<std::thread> pool;
  for (int i = 1; i < threads; ++i) pool.emplace_back([&] { ioc.run(); });
  ioc.run();
  for (auto& t : pool) t.join();
}
