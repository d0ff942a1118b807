// LineConnection over a real socket pair (loopback TCP on Windows): framing, limits and deadlines as the agent relies
// on them.
#include "nixtray/net/line_connection.hpp"
#include "catch.hpp"

#include <chrono>
#include <thread>

using namespace nixtray::net;
using namespace std::chrono_literals;

namespace {

#if defined(_WIN32)
// Windows has no socketpair(): a loopback TCP pair instead.
using LocalSocket = asio::ip::tcp::socket;
void connect_pair(LocalSocket& a, LocalSocket& b) {
  asio::ip::tcp::acceptor acceptor(a.get_executor(), {asio::ip::address_v4::loopback(), 0});
  a.connect(acceptor.local_endpoint());
  acceptor.accept(b);
}
#else
using LocalSocket = asio::local::stream_protocol::socket;
void connect_pair(LocalSocket& a, LocalSocket& b) { asio::local::connect_pair(a, b); }
#endif

struct Pair {
  asio::io_context io;
  LocalSocket peer{io};
  std::shared_ptr<LineConnection> connection;
  std::vector<std::string> lines;
  std::optional<CloseReason> closed;
  bool oversize = false;

  explicit Pair(ConnectionLimits limits, bool handle_oversize = false) {
    LocalSocket ours(io);
    connect_pair(ours, peer);
    connection =
        std::make_shared<LineConnection>(std::make_unique<SocketStream<LocalSocket>>(std::move(ours), "test"), limits);
    LineConnection::OversizeHandler on_oversize;
    if (handle_oversize) {
      on_oversize = [this] {
        oversize = true;
        connection->send("too large");
        connection->close_after_flush();
      };
    }
    connection->start([this](std::string line) { lines.push_back(std::move(line)); },
                      [this](CloseReason reason) { closed = reason; }, on_oversize);
  }

  void run_for(std::chrono::milliseconds d) {
    io.restart();
    io.run_for(d);
  }
  // A broken pipe is not an error here: the connection may have closed its end a moment before
  // its close handler ran (the tests check `closed` and its reason).
  void peer_write(const std::string& data) {
    error_code ec;
    asio::write(peer, asio::buffer(data), ec);
    if (ec && ec != asio::error::broken_pipe) throw boost::system::system_error(ec);
  }
  std::string peer_read_available() {
    std::string all;
    peer.non_blocking(true);
    char buffer[4096];
    error_code ec;
    for (;;) {
      const auto n = peer.read_some(asio::buffer(buffer), ec);
      if (ec) break;
      all.append(buffer, n);
    }
    return all;
  }
};

}  // namespace

TEST_CASE("lines arrive whole, and sent messages are newline-terminated") {
  Pair pair({});
  pair.peer_write("{\"a\":1}\n{\"b\"");
  pair.run_for(50ms);
  pair.peer_write(":2}\n");
  pair.run_for(50ms);
  CHECK(pair.lines == std::vector<std::string>{"{\"a\":1}", "{\"b\":2}"});
  pair.connection->send("x");
  pair.connection->send("y");
  pair.run_for(50ms);
  CHECK(pair.peer_read_available() == "x\ny\n");
  CHECK(pair.connection->queued_bytes() == 0);
}

TEST_CASE("a peer that closes is reported as peer_closed") {
  Pair pair({});
  pair.peer.close();
  pair.run_for(50ms);
  REQUIRE(pair.closed);
  CHECK(*pair.closed == CloseReason::peer_closed);
}

TEST_CASE("a line over the limit calls the oversize handler, which can answer before closing") {
  ConnectionLimits limits;
  limits.max_line_bytes = 100;
  Pair pair(limits, true);
  pair.peer_write(std::string(500, 'x'));
  pair.run_for(100ms);
  CHECK(pair.oversize);
  CHECK(pair.lines.empty());
  CHECK(pair.peer_read_available() == "too large\n");
  REQUIRE(pair.closed);
}

TEST_CASE("no first line within the deadline closes the connection") {
  ConnectionLimits limits;
  limits.first_line_timeout = 100ms;
  Pair pair(limits);
  pair.run_for(400ms);
  REQUIRE(pair.closed);
  CHECK(*pair.closed == CloseReason::first_line_timeout);
}

TEST_CASE("a line trickling in slower than the line deadline is dropped even though bytes keep coming") {
  ConnectionLimits limits;
  limits.line_timeout = 200ms;
  Pair pair(limits);
  pair.peer_write("{}\n");
  pair.run_for(20ms);
  for (int i = 0; i < 10 && !pair.closed; ++i) {
    pair.peer_write("x");
    pair.run_for(50ms);
  }
  REQUIRE(pair.closed);
  CHECK(*pair.closed == CloseReason::line_timeout);
  CHECK(pair.lines.size() == 1);
}

TEST_CASE("an idle peer after its first line is not dropped (no idle deadline)") {
  ConnectionLimits limits;
  limits.first_line_timeout = 100ms;
  limits.line_timeout = 100ms;
  Pair pair(limits);
  pair.peer_write("{}\n");
  pair.run_for(400ms);
  CHECK_FALSE(pair.closed);
}

TEST_CASE("a peer that never reads is dropped: queue overflow or write deadline") {
  ConnectionLimits limits;
  limits.max_queued_bytes = 4 * 1024 * 1024;
  limits.write_timeout = 200ms;
  Pair pair(limits);
  const std::string message(64 * 1024, 'm');
  bool refused = false;
  for (int i = 0; i < 200 && !refused; ++i) {
    refused = !pair.connection->send(message);
    pair.run_for(5ms);
  }
  pair.run_for(500ms);
  REQUIRE(pair.closed);
  CHECK((*pair.closed == CloseReason::queue_overflow || *pair.closed == CloseReason::write_timeout));
}

TEST_CASE("close_after_flush delivers what was queued") {
  Pair pair({});
  pair.connection->send("bye");
  pair.connection->close_after_flush();
  CHECK_FALSE(pair.connection->send("ignored"));
  pair.run_for(50ms);
  CHECK(pair.peer_read_available() == "bye\n");
  REQUIRE(pair.closed);
  CHECK(*pair.closed == CloseReason::closed_locally);
}
