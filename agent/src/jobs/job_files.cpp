#include "jobs/job_files.hpp"

namespace nixtray::agent {

void to_json(protocol::json& j, const LockReplacement& r) {
  j = protocol::json{{"before", r.before.string()}, {"after", r.after.string()}, {"target", r.target.string()}};
}

void from_json(const protocol::json& j, LockReplacement& r) {
  std::string before;
  std::string after;
  std::string target;
  protocol::read_required(j, "before", before);
  protocol::read_required(j, "after", after);
  protocol::read_required(j, "target", target);
  r = {before, after, target};
}

void to_json(protocol::json& j, const JobSpec& spec) {
  j = protocol::json{{"id", spec.id},
                     {"args", spec.args},
                     {"profile", spec.profile.string()},
                     {"rebuild_command", spec.rebuild_command},
                     {"flake", protocol::optional_to_json(spec.flake)},
                     {"rollback_target", protocol::optional_to_json(spec.rollback_target)},
                     {"protected_generations", spec.protected_generations},
                     {"created", spec.created}};
  protocol::put_if(j, "lock_replacement", spec.lock_replacement);
}

void from_json(const protocol::json& j, JobSpec& spec) {
  protocol::read_required(j, "id", spec.id);
  protocol::read_job_start_fields(j.at("args"), spec.args);
  std::string profile;
  protocol::read_required(j, "profile", profile);
  spec.profile = profile;
  protocol::read_required(j, "rebuild_command", spec.rebuild_command);
  protocol::read_optional(j, "flake", spec.flake);
  protocol::read_optional(j, "rollback_target", spec.rollback_target);
  protocol::read_required(j, "protected_generations", spec.protected_generations);
  protocol::read_required(j, "created", spec.created);
  protocol::read_optional(j, "lock_replacement", spec.lock_replacement);
}

std::string job_unit_name(const std::string& id) { return "nixtray-job-" + id + ".service"; }

}  // namespace nixtray::agent
