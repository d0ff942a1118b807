#include "nixtray/protocol/envelope.hpp"
#include "catch.hpp"
#include "nixtray/protocol/methods.hpp"

using namespace nixtray::protocol;

TEST_CASE("a request is classified with its id, method and params") {
  const auto c =
      classify_message(json::parse(R"({"jsonrpc":"2.0","id":7,"method":"units.list","params":{"failed_only":true}})"));
  REQUIRE(c.message);
  const auto& request = std::get<Request>(*c.message);
  CHECK(request.id == 7);
  CHECK(request.method == "units.list");
  CHECK(request.params.get<UnitsListParams>().failed_only);
}

TEST_CASE("string ids are accepted and echoed") {
  const auto c = classify_message(json::parse(R"({"jsonrpc":"2.0","id":"abc","method":"status"})"));
  REQUIRE(c.message);
  CHECK(std::get<Request>(*c.message).id == "abc");
  CHECK(encode(make_result("abc", json::object())).at("id") == "abc");
}

TEST_CASE("batches, non-objects and malformed envelopes are invalid requests") {
  const char* bad[] = {
      R"([{"jsonrpc":"2.0","id":1,"method":"status"}])",
      R"("status")",
      R"({"id":1,"method":"status"})",
      R"({"jsonrpc":"1.0","id":1,"method":"status"})",
      R"({"jsonrpc":"2.0","id":1.5,"method":"status"})",
      R"({"jsonrpc":"2.0","id":{},"method":"status"})",
      R"({"jsonrpc":"2.0","id":1,"method":5})",
      R"({"jsonrpc":"2.0","id":1,"method":"status","params":[1,2]})",
      R"({"jsonrpc":"2.0","id":1})",
  };
  for (const auto* text : bad) {
    INFO(text);
    const auto c = classify_message(json::parse(text));
    CHECK_FALSE(c.message);
    REQUIRE(c.error);
    CHECK(c.error->is(ErrorCode::invalid_request));
  }
}

TEST_CASE("responses and notifications are told apart from requests") {
  auto response = classify_message(
      json::parse(R"({"jsonrpc":"2.0","id":3,"error":{"code":-32002,"message":"busy","data":{"job":"4"}}})"));
  REQUIRE(response.message);
  const auto& r = std::get<Response>(*response.message);
  REQUIRE(r.error);
  CHECK(r.error->is(ErrorCode::busy));
  CHECK(r.error->data.at("job") == "4");

  auto event =
      classify_message(json::parse(R"({"jsonrpc":"2.0","method":"event","params":{"topic":"jobs","data":{}}})"));
  REQUIRE(event.message);
  CHECK(std::get<Notification>(*event.message).params.get<Event>().topic == "jobs");
}

TEST_CASE("encoding is compact and never throws on invalid UTF-8") {
  const auto line = encode_compact(encode(make_result(1, json{{"text", std::string("a\xFF")}})));
  CHECK(line.find('\n') == std::string::npos);
  CHECK(line.find(' ') == std::string::npos);
  CHECK(line.find("\xEF\xBF\xBD") != std::string::npos);
}

TEST_CASE("enums travel as strings and unknown values read as unknown") {
  CHECK(json(SystemState::degraded) == "degraded");
  CHECK(json("something-new").get<SystemState>() == SystemState::unknown);
  CHECK(json(RebuildMode::dry_build) == "dry-build");
  CHECK(json(RebuildMode::switch_) == "switch");
  CHECK(json(FailureKind::disk_space) == "disk-space");
}

TEST_CASE("params are validated with messages that name the field") {
  const auto message_of = [](auto fn) -> std::string {
    try {
      fn();
    } catch (const RpcException& e) {
      CHECK(e.error().is(ErrorCode::invalid_params));
      return e.error().message;
    }
    return "no error";
  };
  CHECK(message_of([] {
          (void)json{{"unit", "x"}, {"lines", 0}}.get<UnitsLogParams>();
        }).find("lines") != std::string::npos);
  CHECK(message_of([] { (void)json{{"kind", "gc"}}.get<JobStartParams>(); }).find("keep") != std::string::npos);
  // keep and older_than_days together: delete what is neither among the newest nor young.
  CHECK(message_of([] {
          (void)json{{"kind", "gc"}, {"keep", 2}, {"older_than_days", 3}}.get<JobStartParams>();
        }) == "no error");
  CHECK(message_of([] {
          (void)json{{"kind", "rollback"}, {"mode", "test"}}.get<JobStartParams>();
        }).find("switch or boot") != std::string::npos);
  CHECK(message_of([] {
          (void)json{{"kind", "rebuild"}, {"flake", "--option"}}.get<JobStartParams>();
        }).find("flake") != std::string::npos);
  CHECK(message_of([] {
          (void)json{{"kind", "format-disk"}}.get<JobStartParams>();
        }).find("kind") != std::string::npos);
  CHECK(message_of([] {
          (void)json{{"topics", {"status", "weather"}}}.get<TopicsParams>();
        }).find("weather") != std::string::npos);
  CHECK(message_of([] {
          (void)json{{"from", 0}, {"to", 2}}.get<GenerationsDiffParams>();
        }).find("from") != std::string::npos);
}

TEST_CASE("job start params get their documented defaults") {
  const auto rebuild = json{{"kind", "rebuild"}}.get<JobStartParams>();
  CHECK(rebuild.mode == RebuildMode::switch_);
  const auto rollback = json{{"kind", "rollback"}, {"to", 4}}.get<JobStartParams>();
  CHECK(rollback.mode == RebuildMode::switch_);
  CHECK(rollback.to == 4);
  const auto log = json{{"id", "3"}}.get<JobsLogParams>();
  CHECK(log.from == 0);
  CHECK(log.limit == 1000);
}

TEST_CASE("log topics name their job") {
  CHECK(is_known_topic("status"));
  CHECK(is_known_topic("log:17"));
  CHECK_FALSE(is_known_topic("log:"));
  CHECK_FALSE(is_known_topic("statuses"));
  CHECK(job_id_of_log_topic("log:17") == "17");
  CHECK(log_topic("5") == "log:5");
}
