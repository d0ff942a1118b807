#include "nixtray/protocol/jobs.hpp"

#include <algorithm>
#include <array>
#include <string_view>

namespace nixtray::protocol {
namespace {

// LogFormat's names on the wire, in the enum's order.
constexpr std::array<std::string_view, 3> log_format_names = {"lines", "raw", "bytes"};

[[noreturn]] void bad_params(const std::string& message) { throw RpcException(ErrorCode::invalid_params, message); }

template <class T>
void reject_field(const std::optional<T>& field, const char* name, const char* kind) {
  if (field) {
    bad_params(std::string(name) + " does not apply to a " + kind + " job");
  }
}

void validate_rebuild(JobStartParams& p) {
  if (p.update.value_or(false)) {
    if (p.mode && *p.mode != RebuildMode::build && *p.mode != RebuildMode::dry_build) {
      bad_params(
          "an update is built and shown before it is activated: mode must be build (or left out), or dry-build to "
          "only see what moved");
    }
    if (!p.mode) p.mode = RebuildMode::build;
    reject_field(p.system, "system", "rebuild with update");
    reject_field(p.upgrade, "upgrade", "rebuild with update (upgrade updates channels; update, a flake's inputs)");
  }
  if (!p.mode) {
    p.mode = RebuildMode::switch_;
  }
  if (*p.mode == RebuildMode::unknown) {
    bad_params("mode must be switch, boot, test, build, dry-build or dry-activate");
  }
  if (*p.mode == RebuildMode::dry_activate && !p.system) {
    bad_params(
        "mode dry-activate previews the activation of a built system: give system (a build job's result_path or a "
        "generation's store path)");
  }
  if (p.system) {
    if (p.system->empty() || p.system->front() != '/') {
      bad_params("system must be the absolute store path of a built NixOS system");
    }
    if (*p.mode != RebuildMode::switch_ && *p.mode != RebuildMode::boot && *p.mode != RebuildMode::test &&
        *p.mode != RebuildMode::dry_activate) {
      bad_params("a built system can only be activated or previewed: mode must be switch, boot, test or dry-activate");
    }
    reject_field(p.flake, "flake", "rebuild of a built system");
    reject_field(p.upgrade, "upgrade", "rebuild of a built system");
  }
  if (p.flake && (p.flake->empty() || p.flake->front() == '-')) {
    bad_params("flake must be a flake reference such as /etc/nixos#host, not empty or starting with '-'");
  }
  reject_field(p.to, "to", "rebuild");
  reject_field(p.keep, "keep", "rebuild");
  reject_field(p.older_than_days, "older_than_days", "rebuild");
}

void validate_rollback(JobStartParams& p) {
  if (!p.mode) {
    p.mode = RebuildMode::switch_;
  }
  if (*p.mode != RebuildMode::switch_ && *p.mode != RebuildMode::boot) {
    bad_params("a rollback's mode must be switch or boot");
  }
  if (p.to) {
    require_generation_number(*p.to, "to");
  }
  reject_field(p.flake, "flake", "rollback");
  reject_field(p.upgrade, "upgrade", "rollback");
  reject_field(p.update, "update", "rollback");
  reject_field(p.system, "system", "rollback");
  reject_field(p.keep, "keep", "rollback");
  reject_field(p.older_than_days, "older_than_days", "rollback");
}

void validate_gc(JobStartParams& p) {
  if (!p.keep && !p.older_than_days) {
    bad_params("a gc job needs keep, older_than_days or both");
  }
  if (p.keep) {
    require_in_range(*p.keep, 1, 1'000'000, "keep");
  }
  if (p.older_than_days) {
    require_in_range(*p.older_than_days, 0, 100'000, "older_than_days");
  }
  reject_field(p.mode, "mode", "gc");
  reject_field(p.flake, "flake", "gc");
  reject_field(p.upgrade, "upgrade", "gc");
  reject_field(p.update, "update", "gc");
  reject_field(p.system, "system", "gc");
  reject_field(p.to, "to", "gc");
}

}  // namespace

void to_json(json& j, const JobStartParams& p) {
  j = json{{"kind", p.kind}};
  put_if(j, "mode", p.mode);
  put_if(j, "flake", p.flake);
  put_if(j, "upgrade", p.upgrade);
  put_if(j, "update", p.update);
  put_if(j, "system", p.system);
  put_if(j, "to", p.to);
  put_if(j, "keep", p.keep);
  put_if(j, "older_than_days", p.older_than_days);
}

// Reads the fields without checking them against each other: a job recorded by a newer agent
// (an unknown kind or mode) must still be listed, with `unknown` where this client cannot tell.
void read_job_start_fields(const json& j, JobStartParams& p) {
  read_required(j, "kind", p.kind);
  read_optional(j, "mode", p.mode);
  read_optional(j, "flake", p.flake);
  read_optional(j, "upgrade", p.upgrade);
  read_optional(j, "update", p.update);
  read_optional(j, "system", p.system);
  read_optional(j, "to", p.to);
  read_optional(j, "keep", p.keep);
  read_optional(j, "older_than_days", p.older_than_days);
}

void from_json(const json& j, JobStartParams& p) {
  read_job_start_fields(j, p);
  switch (p.kind) {
    case JobKind::rebuild:
      validate_rebuild(p);
      break;
    case JobKind::rollback:
      validate_rollback(p);
      break;
    case JobKind::gc:
      validate_gc(p);
      break;
    case JobKind::unknown:
      bad_params("kind must be rebuild, rollback or gc");
  }
}

void to_json(json& j, const JobStartResult& r) { j = json{{"id", r.id}}; }

void from_json(const json& j, JobStartResult& r) { read_required(j, "id", r.id); }

void to_json(json& j, const JobProgress& p) {
  j = json{{"phase", p.phase},
           {"builds_done", p.builds_done},
           {"builds_expected", p.builds_expected},
           {"builds_running", p.builds_running},
           {"builds_failed", p.builds_failed},
           {"downloads_done", p.downloads_done},
           {"downloads_expected", p.downloads_expected},
           {"current", optional_to_json(p.current)}};
}

void from_json(const json& j, JobProgress& p) {
  read_required(j, "phase", p.phase);
  read_required(j, "builds_done", p.builds_done);
  read_required(j, "builds_expected", p.builds_expected);
  read_required(j, "builds_running", p.builds_running);
  read_required(j, "builds_failed", p.builds_failed);
  read_required(j, "downloads_done", p.downloads_done);
  read_required(j, "downloads_expected", p.downloads_expected);
  read_optional(j, "current", p.current);
}

bool operator==(const JobProgress& a, const JobProgress& b) {
  return a.phase == b.phase && a.builds_done == b.builds_done && a.builds_expected == b.builds_expected &&
         a.builds_running == b.builds_running && a.builds_failed == b.builds_failed &&
         a.downloads_done == b.downloads_done && a.downloads_expected == b.downloads_expected && a.current == b.current;
}

void to_json(json& j, const JobFailure& f) {
  j = json{{"kind", f.kind},
           {"message", f.message},
           {"location", optional_to_json(f.location)},
           {"derivation", optional_to_json(f.derivation)},
           {"phase", optional_to_json(f.phase)},
           {"units", f.units},
           {"log_tail", f.log_tail}};
}

void from_json(const json& j, JobFailure& f) {
  read_required(j, "kind", f.kind);
  read_required(j, "message", f.message);
  read_optional(j, "location", f.location);
  read_optional(j, "derivation", f.derivation);
  read_optional(j, "phase", f.phase);
  read_required(j, "units", f.units);
  read_required(j, "log_tail", f.log_tail);
}

void to_json(json& j, const JobStarter& s) {
  j = json{{"uid", optional_to_json(s.uid)}, {"name", optional_to_json(s.name)}};
}

void from_json(const json& j, JobStarter& s) {
  read_optional(j, "uid", s.uid);
  read_optional(j, "name", s.name);
}

void to_json(json& j, const Job& job) {
  j = json{{"id", job.id},
           {"kind", job.kind},
           {"state", job.state},
           {"args", job.args},
           {"unit", job.unit},
           {"started", job.started},
           {"finished", optional_to_json(job.finished)},
           {"exit_code", optional_to_json(job.exit_code)},
           {"summary", optional_to_json(job.summary)},
           {"failure", optional_to_json(job.failure)},
           {"progress", job.progress},
           {"started_by", job.started_by},
           {"generation_before", optional_to_json(job.generation_before)},
           {"generation_after", optional_to_json(job.generation_after)},
           {"result_path", optional_to_json(job.result_path)},
           {"log_lines", job.log_lines},
           {"dry_activation", optional_to_json(job.dry_activation)}};
  put_if(j, "freed_bytes", job.freed_bytes);
  put_if(j, "update", job.update);
  put_if(j, "lock_written", job.lock_written);
}

void from_json(const json& j, Job& job) {
  read_required(j, "id", job.id);
  read_required(j, "kind", job.kind);
  read_required(j, "state", job.state);
  read_job_start_fields(j.at("args"), job.args);
  read_required(j, "unit", job.unit);
  read_required(j, "started", job.started);
  read_optional(j, "finished", job.finished);
  read_optional(j, "exit_code", job.exit_code);
  read_optional(j, "summary", job.summary);
  read_optional(j, "failure", job.failure);
  read_required(j, "progress", job.progress);
  read_required(j, "started_by", job.started_by);
  read_optional(j, "generation_before", job.generation_before);
  read_optional(j, "generation_after", job.generation_after);
  read_optional(j, "result_path", job.result_path);
  read_required(j, "log_lines", job.log_lines);
  read_optional(j, "dry_activation", job.dry_activation);
  read_optional(j, "freed_bytes", job.freed_bytes);
  read_optional(j, "update", job.update);
  read_optional(j, "lock_written", job.lock_written);
}

void to_json(json& j, const JobsListParams& p) { j = json{{"limit", p.limit}}; }

void from_json(const json& j, JobsListParams& p) {
  read_defaulted(j, "limit", p.limit);
  require_in_range(p.limit, 1, 1000, "limit");
}

void to_json(json& j, const JobsList& r) { j = json{{"jobs", r.jobs}}; }

void from_json(const json& j, JobsList& r) { read_required(j, "jobs", r.jobs); }

void to_json(json& j, const JobIdParams& p) { j = json{{"id", p.id}}; }

void from_json(const json& j, JobIdParams& p) {
  read_required(j, "id", p.id);
  if (p.id.empty()) {
    bad_params("id must not be empty");
  }
}

void to_json(json& j, const JobsLogParams& p) {
  j = json{{"id", p.id}, {"from", p.from}, {"limit", p.limit}};
  if (p.format != LogFormat::lines) j["format"] = log_format_names[static_cast<std::size_t>(p.format)];
}

void from_json(const json& j, JobsLogParams& p) {
  read_required(j, "id", p.id);
  if (p.id.empty()) {
    bad_params("id must not be empty");
  }
  read_defaulted(j, "from", p.from);
  read_defaulted(j, "limit", p.limit);
  require_in_range(p.from, 0, INT64_MAX, "from");
  require_in_range(p.limit, 1, 10000, "limit");
  std::optional<std::string> format;
  read_optional(j, "format", format);
  p.format = LogFormat::lines;
  if (format) {
    const auto* name = std::find(log_format_names.begin(), log_format_names.end(), *format);
    if (name == log_format_names.end()) bad_params(R"(format must be "lines", "raw" or "bytes")");
    p.format = static_cast<LogFormat>(name - log_format_names.begin());
  }
}

void to_json(json& j, const LogChunk& c) {
  j = json{{"from", c.from}, {"lines", c.lines}, {"next", c.next}, {"complete", c.complete}};
  if (c.text && !c.bytes) j["text"] = *c.text;  // omitted when absent; in the bytes form, sent after the line
  if (c.bytes) j["bytes"] = *c.bytes;
}

void from_json(const json& j, LogChunk& c) {
  read_required(j, "from", c.from);
  read_required(j, "lines", c.lines);
  read_required(j, "next", c.next);
  read_required(j, "complete", c.complete);
  read_optional(j, "text", c.text);
  read_optional(j, "bytes", c.bytes);
}

}  // namespace nixtray::protocol
