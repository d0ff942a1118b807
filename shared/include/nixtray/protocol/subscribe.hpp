// subscribe/unsubscribe and the `event` notification the agent pushes.
#pragma once

#include "nixtray/protocol/method.hpp"

#include <optional>
#include <string>
#include <vector>

namespace nixtray::protocol {

// Topics: "status", "units", "generations", "jobs", "space", "log:<job id>".
inline constexpr std::string_view log_topic_prefix = "log:";
[[nodiscard]] bool is_known_topic(std::string_view topic);
[[nodiscard]] std::optional<std::string> job_id_of_log_topic(std::string_view topic);
[[nodiscard]] std::string log_topic(std::string_view job_id);

struct TopicsParams {
  std::vector<std::string> topics;
};
void to_json(json& j, const TopicsParams& p);
void from_json(const json& j, TopicsParams& p);

struct TopicsResult {
  std::vector<std::string> topics;  // every topic the connection is now subscribed to
};
void to_json(json& j, const TopicsResult& r);
void from_json(const json& j, TopicsResult& r);

struct SubscribeMethod {
  static constexpr std::string_view name = "subscribe";
  static constexpr bool mutating = false;
  using Params = TopicsParams;
  using Result = TopicsResult;
};

struct UnsubscribeMethod {
  static constexpr std::string_view name = "unsubscribe";
  static constexpr bool mutating = false;
  using Params = TopicsParams;
  using Result = TopicsResult;
};

// {"method":"event","params":{"topic":T,"data":...}}
inline constexpr std::string_view event_method = "event";
struct Event {
  std::string topic;
  json data;
};
void to_json(json& j, const Event& e);
void from_json(const json& j, Event& e);

}  // namespace nixtray::protocol
