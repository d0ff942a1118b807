#include "core/state/update_check.hpp"

namespace nixtray::tray {

std::chrono::seconds update_check_due_in(std::optional<std::int64_t> last_check, std::int64_t now) {
  if (!last_check || *last_check > now) return std::chrono::seconds(0);
  const auto next = std::chrono::seconds(*last_check) + update_check_period;
  const auto left = next - std::chrono::seconds(now);
  return left > std::chrono::seconds(0) ? left : std::chrono::seconds(0);
}

RebuildRequest update_check_request(std::optional<std::string> flake) {
  RebuildRequest request;
  request.mode = protocol::RebuildMode::dry_build;
  request.flake = std::move(flake);
  request.update = true;
  return request;
}

bool is_update_check(const protocol::Job& job) {
  return job.kind == protocol::JobKind::rebuild && job.args.update.value_or(false) &&
         job.args.mode == protocol::RebuildMode::dry_build;
}

std::optional<Sentence> updates_found_sentence(const protocol::Job& job, const std::string& distro) {
  if (!job.update || job.update->inputs.empty()) return std::nullopt;
  std::string names;
  for (const auto& input : job.update->inputs) names += (names.empty() ? "" : ", ") + input.name;
  return counted("%1$s input of %2$s moved: %3$s", "%1$s inputs of %2$s moved: %3$s", job.update->inputs.size(),
                 {distro, names});
}

}  // namespace nixtray::tray
