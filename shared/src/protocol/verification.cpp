#include "nixtray/protocol/verification.hpp"

namespace nixtray::protocol {

namespace {

void put_verification(json& j, const Verification& v) {
  j["state"] = v.state;
  j["generation"] = optional_to_json(v.generation);
  j["store_path"] = optional_to_json(v.store_path);
  j["since"] = optional_to_json(v.since);
  j["reason"] = optional_to_json(v.reason);
  j["step"] = optional_to_json(v.step);
  j["probation"] = optional_to_json(v.probation);
}

}  // namespace

void to_json(json& j, const Probation& p) {
  j = json{{"state", p.state},
           {"started", p.started},
           {"until", p.until},
           {"ended", optional_to_json(p.ended)},
           {"reason", optional_to_json(p.reason)}};
}

void from_json(const json& j, Probation& p) {
  read_required(j, "state", p.state);
  read_required(j, "started", p.started);
  read_required(j, "until", p.until);
  read_optional(j, "ended", p.ended);
  read_optional(j, "reason", p.reason);
}

void to_json(json& j, const Verification& v) {
  j = json::object();
  put_verification(j, v);
}

void from_json(const json& j, Verification& v) {
  read_required(j, "state", v.state);
  read_optional(j, "generation", v.generation);
  read_optional(j, "store_path", v.store_path);
  read_optional(j, "since", v.since);
  read_optional(j, "reason", v.reason);
  read_optional(j, "step", v.step);
  read_optional(j, "probation", v.probation);
}

void to_json(json& j, const FailedUnitEvidence& e) {
  j = json{{"unit", e.unit}, {"result", e.result}, {"lines", e.lines}};
}

void from_json(const json& j, FailedUnitEvidence& e) {
  read_required(j, "unit", e.unit);
  read_required(j, "result", e.result);
  read_required(j, "lines", e.lines);
}

void to_json(json& j, const BootEvidence& e) {
  j = json{{"collected", e.collected},
           {"boot_started", optional_to_json(e.boot_started)},
           {"boot_ended", optional_to_json(e.boot_ended)},
           {"errors", e.errors},
           {"errors_omitted", e.errors_omitted},
           {"failed_units", e.failed_units},
           {"note", optional_to_json(e.note)}};
}

void from_json(const json& j, BootEvidence& e) {
  read_required(j, "collected", e.collected);
  read_optional(j, "boot_started", e.boot_started);
  read_optional(j, "boot_ended", e.boot_ended);
  read_required(j, "errors", e.errors);
  read_required(j, "errors_omitted", e.errors_omitted);
  read_required(j, "failed_units", e.failed_units);
  read_optional(j, "note", e.note);
}

void to_json(json& j, const VerificationRecord& r) {
  j = json::object();
  put_verification(j, r.verification);
  j["started"] = optional_to_json(r.started);
  j["evidence"] = optional_to_json(r.evidence);
}

void from_json(const json& j, VerificationRecord& r) {
  from_json(j, r.verification);
  read_optional(j, "started", r.started);
  read_optional(j, "evidence", r.evidence);
}

void to_json(json& j, const VerifyRecordParams& p) {
  j = json{{"generation", p.generation}, {"outcome", p.outcome}};
  put_if(j, "store_path", p.store_path);
  put_if(j, "reason", p.reason);
  put_if(j, "step", p.step);
}

void from_json(const json& j, VerifyRecordParams& p) {
  read_required(j, "generation", p.generation);
  require_generation_number(p.generation, "generation");
  read_required(j, "outcome", p.outcome);
  if (p.outcome == VerifyOutcome::unknown) {
    throw RpcException(ErrorCode::invalid_params, "outcome must be started, passed, failed or inconclusive");
  }
  read_optional(j, "store_path", p.store_path);
  read_optional(j, "reason", p.reason);
  read_optional(j, "step", p.step);
  require_at_most_bytes(p.store_path, "store_path", 4096);
  require_at_most_bytes(p.reason, "reason", 4096);
  require_at_most_bytes(p.step, "step", 64);
  if (p.store_path && (p.store_path->empty() || p.store_path->front() != '/')) {
    throw RpcException(ErrorCode::invalid_params, "store_path must be an absolute store path");
  }
}

void to_json(json& j, const VerifyGetParams& p) {
  j = json::object();
  put_if(j, "generation", p.generation);
}

void from_json(const json& j, VerifyGetParams& p) {
  read_optional(j, "generation", p.generation);
  if (p.generation) {
    require_generation_number(*p.generation, "generation");
  }
}

}  // namespace nixtray::protocol
