// Texts a client gives jobs.start are kept in the job's record: they are bounded, and an
// over-long one is refused with -32602 naming the param and the limit, before anything is kept.
#include "catch.hpp"
#include "raw_client.hpp"
#include "test_agent.hpp"

using namespace nixtray::testing;
using nlohmann::json;

TEST_CASE("an over-long flake or system is refused with -32602 naming the param and the limit") {
  const TempDir root("nxp");
  TestAgent agent(agent_options_for(make_two_generation_profile(root.path())));
  auto client = RawClient::unix_socket(agent.socket());
  REQUIRE(client.hello().contains("result"));
  int id = 1;
  const auto start = [&](const json& params) {
    client.request(++id, "jobs.start", params);
    const auto reply = client.response(id);
    REQUIRE(reply);
    INFO(reply->dump().substr(0, 500));
    REQUIRE(reply->contains("error"));
    return (*reply)["error"];
  };
  const auto flake = start({{"kind", "rebuild"}, {"flake", "/etc/nixos#" + std::string(5000, 'h')}});
  CHECK(flake["code"] == -32602);
  CHECK(flake["message"].get<std::string>().starts_with("flake must be at most 4096 bytes"));
  const auto system = start({{"kind", "rebuild"}, {"system", "/nix/store/" + std::string(5000, 'a')}});
  CHECK(system["code"] == -32602);
  CHECK(system["message"].get<std::string>().starts_with("system must be at most 4096 bytes"));
  client.request(++id, "jobs.list");
  const auto list = client.response(id);
  REQUIRE(list);
  CHECK((*list)["result"]["jobs"].empty());  // nothing was recorded
}
