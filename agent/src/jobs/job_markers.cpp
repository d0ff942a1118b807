#include "jobs/job_markers.hpp"

#include "jobs/job_log_line.hpp"

namespace nixtray::agent {

namespace {
std::string marker(const protocol::json& body) {
  return std::string(marker_line_prefix) + protocol::encode_compact(body);
}
}  // namespace

std::string phase_marker(protocol::JobPhase phase) { return marker({{"phase", phase}}); }

std::string failure_marker(const protocol::JobFailure& failure) { return marker({{"failure", failure}}); }

std::string result_marker(const std::string& note) { return marker({{"result", note}}); }

std::string system_marker(const std::string& store_path) { return marker({{"system", store_path}}); }

std::string dry_activation_marker(const protocol::DryActivation& preview) {
  return marker({{"dry_activation", preview}});
}
std::string freed_marker(std::int64_t bytes) { return marker({{"freed", bytes}}); }

std::string update_marker(const protocol::FlakeUpdate& update) { return marker({{"update", update}}); }

std::string lock_written_marker(const std::string& lock_file) { return marker({{"lock_written", lock_file}}); }

}  // namespace nixtray::agent
