// systemd's words turned into protocol values: a unit's properties (from a listing, a
// PropertiesChanged signal or a Get reply) become fields of protocol::Unit. No bus in here, so
// it can be tested with plain values.
#pragma once

#include "nixtray/protocol/status.hpp"
#include "nixtray/protocol/units.hpp"

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <variant>

namespace nixtray::agent {

// A property value as systemd sends it; only the basic types the agent reads are kept
// (unsigned integers of any width become uint64, signed ones int64).
using PropertyValue = std::variant<std::monostate, std::string, std::uint64_t, std::int64_t, bool>;
using PropertyMap = std::map<std::string, PropertyValue, std::less<>>;

// One row of ListUnits / ListUnitsByPatterns.
struct UnitListEntry {
  std::string name;
  std::string description;
  std::string load_state;
  std::string active_state;
  std::string sub_state;
};

protocol::UnitActiveState parse_active_state(std::string_view text);
// systemd's SystemState; anything it may add later is `unknown`.
protocol::SystemState parse_system_state(std::string_view text);

// Timestamps are microseconds since the epoch, 0 when the event never happened.
std::optional<std::int64_t> seconds_from_usec(std::uint64_t usec);

// Only services have a `Result` the protocol reports; other units carry "".
bool is_service(std::string_view unit_name);

// A unit whose file does not exist and that nobody runs: systemd loads such stubs when asked
// about a name and drops them again soon after.
bool is_transient_stub(const protocol::Unit& unit);

// The properties of the Unit and Service interfaces the agent keeps.
inline constexpr std::string_view unit_property_names[] = {
    "ActiveState", "SubState", "LoadState", "Description", "StateChangeTimestamp", "Result"};
bool is_unit_property(std::string_view name);

// Sets the fields present in `properties` (others stay as they are). Returns true when the unit
// changed.
bool apply_unit_properties(protocol::Unit& unit, const PropertyMap& properties);
// The same for a listing row, which has no since/result.
bool apply_list_entry(protocol::Unit& unit, const UnitListEntry& entry);
protocol::Unit unit_from_list_entry(const UnitListEntry& entry);

}  // namespace nixtray::agent
