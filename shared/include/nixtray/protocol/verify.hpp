// verify.preflight: checks on a generation that need no restart (the first step of verify-boot).
#pragma once

#include "nixtray/protocol/method.hpp"

#include <optional>
#include <string>
#include <vector>

namespace nixtray::protocol {

struct PreflightParams {
  std::optional<int> number;  // default: the default generation (what boots next)
};
void to_json(json& j, const PreflightParams& p);
void from_json(const json& j, PreflightParams& p);

enum class CheckStatus { unknown, ok, warn, fail };
NLOHMANN_JSON_SERIALIZE_ENUM(CheckStatus, {
                                              {CheckStatus::unknown, "unknown"},
                                              {CheckStatus::ok, "ok"},
                                              {CheckStatus::warn, "warn"},
                                              {CheckStatus::fail, "fail"},
                                          })

struct PreflightCheck {
  std::string name;  // "init", "store-paths", "wsl-conf", ...
  CheckStatus status = CheckStatus::unknown;
  std::string message;
};
void to_json(json& j, const PreflightCheck& c);
void from_json(const json& j, PreflightCheck& c);

// pass: every check ok; warn: restart allowed, with warnings; refuse: do not restart.
enum class PreflightVerdict { unknown, pass, warn, refuse };
NLOHMANN_JSON_SERIALIZE_ENUM(PreflightVerdict, {
                                                   {PreflightVerdict::unknown, "unknown"},
                                                   {PreflightVerdict::pass, "pass"},
                                                   {PreflightVerdict::warn, "warn"},
                                                   {PreflightVerdict::refuse, "refuse"},
                                               })

struct PreflightResult {
  int number = 0;
  PreflightVerdict verdict = PreflightVerdict::unknown;
  std::vector<PreflightCheck> checks;
};
void to_json(json& j, const PreflightResult& r);
void from_json(const json& j, PreflightResult& r);

struct VerifyPreflightMethod {
  static constexpr std::string_view name = "verify.preflight";
  static constexpr bool mutating = false;
  using Params = PreflightParams;
  using Result = PreflightResult;
};

}  // namespace nixtray::protocol
