// Bad input against a running agent over real sockets. After each case a second client, connected
// all along, must still get answers: one misbehaving client never stalls the others.
#include "agent_with_witness.hpp"

#include "nixtray/testing/timeouts.hpp"

using namespace nixtray::testing;
using nlohmann::json;
using namespace std::chrono_literals;

TEST_CASE("an oversize line gets -32004 and the connection is closed") {
  AgentWithWitness f;
  auto client = RawClient::unix_socket(f.agent.socket());
  client.hello();
  client.send(std::string(2 * 1024 * 1024, 'x') + "\n");
  CHECK(error_code_of(client.read_json()) == -32004);
  CHECK(client.closed_by_peer());
  f.check_still_serving();
}

TEST_CASE("malformed JSON after hello gets -32700 and the connection stays usable") {
  AgentWithWitness f;
  auto client = RawClient::unix_socket(f.agent.socket());
  client.hello();
  client.send("{\"jsonrpc\":\"2.0\",\"id\":1,\n");
  CHECK(error_code_of(client.read_json()) == -32700);
  client.request(2, "status");
  const auto reply = client.response(2);
  REQUIRE(reply);
  CHECK(reply->contains("result"));
  f.check_still_serving();
}

TEST_CASE("a batch array is refused with -32600") {
  AgentWithWitness f;
  auto client = RawClient::unix_socket(f.agent.socket());
  client.hello();
  client.send(R"([{"jsonrpc":"2.0","id":1,"method":"status"},{"jsonrpc":"2.0","id":2,"method":"status"}])"
              "\n");
  CHECK(error_code_of(client.read_json()) == -32600);
  f.check_still_serving();
}

TEST_CASE("missing or mistyped params get -32602 naming the field") {
  AgentWithWitness f;
  auto client = RawClient::unix_socket(f.agent.socket());
  client.hello();
  client.request(1, "generations.mark_good", json::object());
  auto reply = client.response(1);
  CHECK(error_code_of(reply) == -32602);
  CHECK((*reply)["error"]["message"].get<std::string>().find("number") != std::string::npos);
  client.request(2, "generations.mark_good", {{"number", "seven"}});
  CHECK(error_code_of(client.response(2)) == -32602);
  client.request(3, "subscribe", {{"topics", 5}});
  CHECK(error_code_of(client.response(3)) == -32602);
  client.request(4, "subscribe", {{"topics", {"status", "weather"}}});
  reply = client.response(4);
  CHECK(error_code_of(reply) == -32602);
  CHECK((*reply)["error"]["message"].get<std::string>().find("weather") != std::string::npos);
  f.check_still_serving();
}

TEST_CASE("an unknown method gets -32601") {
  AgentWithWitness f;
  auto client = RawClient::unix_socket(f.agent.socket());
  client.hello();
  client.request(1, "system.format_disk");
  CHECK(error_code_of(client.response(1)) == -32601);
  f.check_still_serving();
}

TEST_CASE("a request before hello gets an error and the connection is closed") {
  AgentWithWitness f;
  auto client = RawClient::unix_socket(f.agent.socket());
  client.request(1, "status");
  CHECK(error_code_of(client.read_json()) == -32600);
  CHECK(client.closed_by_peer());
  f.check_still_serving();
}

TEST_CASE("malformed JSON as the first line ends the connection") {
  AgentWithWitness f;
  auto client = RawClient::unix_socket(f.agent.socket());
  client.send("hello agent\n");
  CHECK(error_code_of(client.read_json()) == -32700);
  CHECK(client.closed_by_peer());
  f.check_still_serving();
}

TEST_CASE("an HTTP request line is answered with an error and closed") {
  AgentWithWitness f;
  for (const std::string first : {"GET / HTTP/1.1\r\n", "POST /rpc HTTP/1.1\r\n", "Host: 127.0.0.1\r\n"}) {
    INFO(first);
    auto client = RawClient::tcp(f.agent.tcp_port());
    client.send(first + "Host: localhost\r\n\r\n");
    CHECK(error_code_of(client.read_json()) == -32600);
    CHECK(client.closed_by_peer());
  }
  f.check_still_serving();
}

TEST_CASE("100k nested brackets are refused before parsing") {
  AgentWithWitness f;
  auto client = RawClient::unix_socket(f.agent.socket());
  client.hello();
  client.send(std::string(100000, '[') + "\n");
  const auto reply = client.read_json();
  CHECK(error_code_of(reply) == -32700);
  CHECK((*reply)["error"]["message"].get<std::string>().find("64") != std::string::npos);
  f.check_still_serving();
}

TEST_CASE("invalid UTF-8 is replaced with U+FFFD and the message processed") {
  AgentWithWitness f;
  auto client = RawClient::unix_socket(f.agent.socket());
  client.send(
      "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"hello\",\"params\":{\"protocol\":1,\"client\":\"caf\xE9/1\"}}\n");
  const auto hello = client.response(1);
  REQUIRE(hello);
  CHECK(hello->contains("result"));
  client.send("{\"jsonrpc\":\"2.0\",\"id\":2,\"method\":\"stat\xFFus\"}\n");
  const auto reply = client.response(2);
  CHECK(error_code_of(reply) == -32601);
  CHECK((*reply)["error"]["message"].get<std::string>().find("stat\xEF\xBF\xBDus") != std::string::npos);
  f.check_still_serving();
}

TEST_CASE("a client that connects and sends nothing is dropped after the deadline, others unaffected") {
  AgentWithWitness f;
  auto idle = RawClient::unix_socket(f.agent.socket());
  f.check_still_serving();  // served while the idle client waits
  CHECK(idle.closed_by_peer(10s));
  f.check_still_serving();
}

TEST_CASE("a client trickling a message is dropped without stalling others") {
  AgentWithWitness f;
  auto slow = RawClient::unix_socket(f.agent.socket());
  slow.hello();
  const std::string message = R"({"jsonrpc":"2.0","id":1,"method":"status"})";
  bool closed = false;
  for (std::size_t i = 0; i < message.size() && !closed; ++i) {
    slow.send(message.substr(i, 1));
    f.check_still_serving();
    closed = slow.closed_by_peer(300ms);
  }
  CHECK(closed);
}
