// systemd units: the unit object, units.list, units.log and the `units` topic.
#pragma once

#include "nixtray/protocol/method.hpp"

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace nixtray::protocol {

enum class UnitActiveState { unknown, active, reloading, inactive, failed, activating, deactivating, maintenance };
NLOHMANN_JSON_SERIALIZE_ENUM(UnitActiveState, {
                                                  {UnitActiveState::unknown, "unknown"},
                                                  {UnitActiveState::active, "active"},
                                                  {UnitActiveState::reloading, "reloading"},
                                                  {UnitActiveState::inactive, "inactive"},
                                                  {UnitActiveState::failed, "failed"},
                                                  {UnitActiveState::activating, "activating"},
                                                  {UnitActiveState::deactivating, "deactivating"},
                                                  {UnitActiveState::maintenance, "maintenance"},
                                              })

struct Unit {
  std::string name;  // "nginx.service"
  std::string description;
  std::string load_state;  // systemd's words: loaded, not-found, masked, ...
  UnitActiveState active_state = UnitActiveState::unknown;
  std::string sub_state;              // running, dead, failed, exited, ...
  std::string result;                 // success, exit-code, signal, timeout, ... ("" when not a service)
  std::optional<std::int64_t> since;  // unix seconds of the last active-state change
};
void to_json(json& j, const Unit& u);
void from_json(const json& j, Unit& u);
bool operator==(const Unit& a, const Unit& b);

struct UnitsListParams {
  bool failed_only = false;
};
void to_json(json& j, const UnitsListParams& p);
void from_json(const json& j, UnitsListParams& p);

struct UnitsListResult {
  std::vector<Unit> units;
};
void to_json(json& j, const UnitsListResult& r);
void from_json(const json& j, UnitsListResult& r);

struct UnitsListMethod {
  static constexpr std::string_view name = "units.list";
  static constexpr bool mutating = false;
  using Params = UnitsListParams;
  using Result = UnitsListResult;
};

struct UnitsLogParams {
  std::string unit;
  int lines = 50;  // 1..1000
};
void to_json(json& j, const UnitsLogParams& p);
void from_json(const json& j, UnitsLogParams& p);

struct JournalLine {
  std::int64_t time = 0;  // unix seconds
  int priority = 6;       // syslog priority, 0 emerg ... 7 debug
  std::string message;
};
void to_json(json& j, const JournalLine& l);
void from_json(const json& j, JournalLine& l);

struct UnitsLogResult {
  std::string unit;
  std::vector<JournalLine> lines;  // oldest first
};
void to_json(json& j, const UnitsLogResult& r);
void from_json(const json& j, UnitsLogResult& r);

struct UnitsLogMethod {
  static constexpr std::string_view name = "units.log";
  static constexpr bool mutating = false;
  static constexpr bool confidential = true;  // a journal may hold secrets
  using Params = UnitsLogParams;
  using Result = UnitsLogResult;
};

// Data of the `units` topic: only what changed since the previous event.
struct UnitsChanged {
  std::vector<Unit> changed;
  std::vector<std::string> removed;
};
void to_json(json& j, const UnitsChanged& e);
void from_json(const json& j, UnitsChanged& e);

}  // namespace nixtray::protocol
