// A real agent (Unix socket and loopback TCP, short deadlines) with a second client connected all
// along: after each bad client, the witness must still get answers, so one misbehaving client
// never stalls the others.
#pragma once

#include "catch.hpp"
#include "raw_client.hpp"
#include "test_agent.hpp"

#include <optional>
#include <string>
#include <vector>

namespace nixtray::testing {

inline int error_code_of(const std::optional<nlohmann::json>& message) {
  REQUIRE(message);
  INFO(message->dump());
  REQUIRE(message->contains("error"));
  return (*message)["error"]["code"].get<int>();
}

struct WitnessedAgentOptions {
  int hello_timeout = 2;  // seconds
  int client_timeout = 2;
  std::vector<std::string> extra_args;
  Environment env;
  std::optional<PlainProfile> profile;  // default: an empty profile directory
};

struct AgentWithWitness {
  explicit AgentWithWitness(WitnessedAgentOptions options = {})
      : agent(agent_options(std::move(options))), witness(RawClient::unix_socket(agent.socket())) {
    witness.hello();
  }

  TestAgent agent;
  RawClient witness;
  int next_id = 100;

  // Waits for the agent's work of its first moments (its first look at the store for `space`, on
  // a worker thread), so that memory measured from here on is what the test made it use. Any
  // answer says the look is over: on a machine without Nix it is the error that there is no Nix
  // database, and that is fine here.
  void settle() {
    const int id = next_id++;
    witness.request(id, "space");
    const auto reply = witness.response(id, std::chrono::seconds(120));
    REQUIRE(reply);
    INFO(reply->dump());
    REQUIRE((reply->contains("result") || reply->contains("error")));
  }

  void check_still_serving() {
    const int id = next_id++;
    witness.request(id, "status");
    const auto reply = witness.response(id);
    REQUIRE(reply);
    CHECK(reply->contains("result"));
    CHECK(agent.running());
  }

 private:
  static TestAgentOptions agent_options(WitnessedAgentOptions options) {
    auto agent = options.profile ? agent_options_for(*options.profile) : TestAgentOptions{};
    agent.extra_args = {"--hello-timeout", std::to_string(options.hello_timeout), "--client-timeout",
                        std::to_string(options.client_timeout)};
    agent.tcp = true;
    agent.extra_args.insert(agent.extra_args.end(), options.extra_args.begin(), options.extra_args.end());
    agent.env = std::move(options.env);
    return agent;
  }
};

}  // namespace nixtray::testing
