#include "nixtray/protocol/subscribe.hpp"

#include <array>

namespace nixtray::protocol {

bool is_known_topic(std::string_view topic) {
  static constexpr std::array<std::string_view, 5> fixed = {"status", "units", "generations", "jobs", "space"};
  for (const auto name : fixed) {
    if (topic == name) {
      return true;
    }
  }
  return job_id_of_log_topic(topic).has_value();
}

std::optional<std::string> job_id_of_log_topic(std::string_view topic) {
  if (!topic.starts_with(log_topic_prefix) || topic.size() == log_topic_prefix.size()) {
    return std::nullopt;
  }
  return std::string(topic.substr(log_topic_prefix.size()));
}

std::string log_topic(std::string_view job_id) { return std::string(log_topic_prefix) + std::string(job_id); }

void to_json(json& j, const TopicsParams& p) { j = json{{"topics", p.topics}}; }

void from_json(const json& j, TopicsParams& p) {
  read_required(j, "topics", p.topics);
  for (const auto& topic : p.topics) {
    if (!is_known_topic(topic)) {
      throw RpcException(ErrorCode::invalid_params,
                         "unknown topic \"" + topic + "\" (status, units, generations, jobs, space, log:<job id>)");
    }
  }
}

void to_json(json& j, const TopicsResult& r) { j = json{{"topics", r.topics}}; }

void from_json(const json& j, TopicsResult& r) { read_required(j, "topics", r.topics); }

void to_json(json& j, const Event& e) { j = json{{"topic", e.topic}, {"data", e.data}}; }

void from_json(const json& j, Event& e) {
  read_required(j, "topic", e.topic);
  e.data = j.at("data");
}

}  // namespace nixtray::protocol
