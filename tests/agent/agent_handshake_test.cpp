// The handshake against a running agent (docs/protocol.md §3.2, §4): TCP proves the token both
// ways and never carries it, nothing but auth is served before the proof, and the protocol
// versions meet (protocol 1 keeps working where no token is involved).
#include "agent_with_witness.hpp"

#include "nixtray/crypto/hex.hpp"
#include "nixtray/crypto/primitives.hpp"
#include "nixtray/crypto/token_proof.hpp"
#include "nixtray/testing/timeouts.hpp"

using namespace nixtray::testing;
using nlohmann::json;
using namespace std::chrono_literals;

namespace {

json tcp_hello(RawClient& client, const std::string& nonce) {
  client.request(0, "hello", {{"protocol", 2}, {"client", "handshake-test/1"}, {"nonce", nonce}});
  auto reply = client.response(0);
  REQUIRE(reply);
  return *reply;
}

std::string hmac_hex(const std::string& key, const std::string& message) {
  return nixtray::crypto::to_hex(nixtray::crypto::hmac_sha256(key, message));
}

}  // namespace

TEST_CASE("over TCP the agent proves the token, then the client does, and only then it is authorized") {
  AgentWithWitness f;
  auto client = RawClient::tcp(f.agent.tcp_port());
  const auto client_nonce = nixtray::crypto::new_nonce();
  const auto hello = tcp_hello(client, client_nonce);
  INFO(hello.dump());
  REQUIRE(hello.contains("result"));
  const auto& result = hello["result"];
  CHECK(result["protocol"] == 2);
  CHECK(result["authorized"] == false);
  const auto agent_nonce = result.at("nonce").get<std::string>();
  CHECK(nixtray::crypto::is_nonce(agent_nonce));
  CHECK(agent_nonce != client_nonce);
  // The proof is the documented HMAC, computed here from §3.2, not by the agent's code.
  CHECK(result["proof"] == hmac_hex(f.agent.token(), "nixtray agent" + client_nonce + agent_nonce));
  CHECK(hello.dump().find(f.agent.token()) == std::string::npos);

  client.request(1, "auth", {{"proof", hmac_hex(f.agent.token(), "nixtray client" + agent_nonce + client_nonce)}});
  const auto auth = client.response(1);
  REQUIRE(auth);
  INFO(auth->dump());
  CHECK((*auth)["result"]["authorized"] == true);
  client.request(2, "generations.mark_good", {{"number", 7}});
  CHECK(error_code_of(client.response(2)) == -32003);  // dispatched as authorized: no such generation
  client.request(3, "auth", {{"proof", std::string(64, '0')}});
  CHECK(error_code_of(client.response(3)) == -32600);  // once only, and the connection stays
  client.request(4, "status");
  CHECK(client.response(4)->contains("result"));
  f.check_still_serving();
}

TEST_CASE("over TCP a wrong proof, a missing nonce or a request before auth is refused and closed") {
  AgentWithWitness f;
  SECTION("a proof made with another token") {
    auto client = RawClient::tcp(f.agent.tcp_port());
    const auto nonce = nixtray::crypto::new_nonce();
    const auto hello = tcp_hello(client, nonce);
    const auto agent_nonce = hello["result"]["nonce"].get<std::string>();
    client.request(1, "auth", {{"proof", hmac_hex(std::string(64, '0'), "nixtray client" + agent_nonce + nonce)}});
    CHECK(error_code_of(client.response(1)) == -32001);
    CHECK(client.closed_by_peer());
    CHECK(f.agent.log().find("its proof of the token does not match") != std::string::npos);
  }
  SECTION("the agent's own proof sent back (reflection)") {
    auto client = RawClient::tcp(f.agent.tcp_port());
    const auto hello = tcp_hello(client, nixtray::crypto::new_nonce());
    client.request(1, "auth", {{"proof", hello["result"]["proof"]}});
    CHECK(error_code_of(client.response(1)) == -32001);
    CHECK(client.closed_by_peer());
  }
  SECTION("a request other than auth after hello") {
    auto client = RawClient::tcp(f.agent.tcp_port());
    tcp_hello(client, nixtray::crypto::new_nonce());
    client.request(1, "status");
    CHECK(error_code_of(client.response(1)) == -32001);
    CHECK(client.closed_by_peer());
  }
  SECTION("auth before hello") {
    auto client = RawClient::tcp(f.agent.tcp_port());
    client.request(1, "auth", {{"proof", std::string(64, '0')}});
    CHECK(error_code_of(client.response(1)) == -32600);
    CHECK(client.closed_by_peer());
  }
  SECTION("a hello without a nonce, or with one that is not 64 lowercase hex") {
    for (const json& nonce : {json(nullptr), json("ABCD"), json(std::string(64, 'A')), json(7)}) {
      INFO(nonce.dump());
      auto client = RawClient::tcp(f.agent.tcp_port());
      json params{{"protocol", 2}, {"client", "handshake-test/1"}};
      if (!nonce.is_null()) params["nonce"] = nonce;
      client.request(1, "hello", params);
      CHECK(error_code_of(client.response(1)) == -32602);
      CHECK(client.closed_by_peer());
    }
  }
  f.check_still_serving();
}

TEST_CASE("a protocol 1 client gets a clear error over TCP, and is served in protocol 1 on the Unix socket") {
  AgentWithWitness f;
  {
    // What a tray of protocol 1 sends: the token itself. It is refused, with the version to use.
    auto client = RawClient::tcp(f.agent.tcp_port());
    client.request(1, "hello", {{"protocol", 1}, {"client", "old-tray/0.1"}, {"token", f.agent.token()}});
    const auto reply = client.response(1);
    CHECK(error_code_of(reply) == -32600);
    CHECK((*reply)["error"]["data"]["protocol"] == 2);
    CHECK((*reply)["error"]["message"].get<std::string>().find("protocol 2") != std::string::npos);
    CHECK(client.closed_by_peer());
  }
  {
    auto client = RawClient::unix_socket(f.agent.socket());
    client.request(1, "hello", {{"protocol", 1}, {"client", "old-tray/0.1"}});
    const auto reply = client.response(1);
    REQUIRE(reply);
    INFO(reply->dump());
    CHECK((*reply)["result"]["protocol"] == 1);  // answered in its own version
    CHECK((*reply)["result"]["authorized"] == true);
    CHECK_FALSE((*reply)["result"].contains("nonce"));
    client.request(2, "status");
    CHECK(client.response(2)->contains("result"));
  }
  {
    // A newer client learns which version this agent speaks (and decides itself).
    auto client = RawClient::unix_socket(f.agent.socket());
    client.request(1, "hello", {{"protocol", 3}, {"client", "future/9"}});
    CHECK((*client.response(1))["result"]["protocol"] == 2);
  }
  f.check_still_serving();
}

TEST_CASE("a TCP peer that does not finish the handshake in time is dropped, though it said hello") {
  AgentWithWitness f;  // --hello-timeout 2
  auto client = RawClient::tcp(f.agent.tcp_port());
  const auto hello = tcp_hello(client, nixtray::crypto::new_nonce());
  REQUIRE(hello.contains("result"));
  f.check_still_serving();
  CHECK(client.closed_by_peer(10s));
  // Logged as the connection's close handler runs, just after the socket closed.
  CHECK(
      wait_until([&] { return f.agent.log().find("handshake not finished within the deadline") != std::string::npos; },
                 scaled(5s)));
  f.check_still_serving();
}
