#include "systemd/unit_properties.hpp"

#include "nixtray/protocol/wire_text.hpp"

#include <algorithm>
#include <array>
#include <utility>

namespace nixtray::agent {

namespace {

template <class T>
const T* property_as(const PropertyMap& properties, std::string_view name) {
  const auto found = properties.find(name);
  return found == properties.end() ? nullptr : std::get_if<T>(&found->second);
}

// systemd passes on whatever a unit file says; the protocol promises valid UTF-8.
std::string valid_text(std::string text) {
  protocol::replace_invalid_utf8(text);
  return text;
}

template <class T>
bool assign(T& field, T value) {
  if (field == value) {
    return false;
  }
  field = std::move(value);
  return true;
}

}  // namespace

protocol::UnitActiveState parse_active_state(std::string_view text) {
  using S = protocol::UnitActiveState;
  static constexpr std::array<std::pair<std::string_view, S>, 7> states = {{
      {"active", S::active},
      {"reloading", S::reloading},
      {"inactive", S::inactive},
      {"failed", S::failed},
      {"activating", S::activating},
      {"deactivating", S::deactivating},
      {"maintenance", S::maintenance},
  }};
  for (const auto& [word, state] : states) {
    if (word == text) {
      return state;
    }
  }
  return S::unknown;
}

protocol::SystemState parse_system_state(std::string_view text) {
  using S = protocol::SystemState;
  static constexpr std::array<std::pair<std::string_view, S>, 7> states = {{
      {"initializing", S::initializing},
      {"starting", S::starting},
      {"running", S::running},
      {"degraded", S::degraded},
      {"maintenance", S::maintenance},
      {"stopping", S::stopping},
      {"offline", S::offline},
  }};
  for (const auto& [word, state] : states) {
    if (word == text) {
      return state;
    }
  }
  return S::unknown;
}

std::optional<std::int64_t> seconds_from_usec(std::uint64_t usec) {
  if (usec == 0) {
    return std::nullopt;
  }
  return static_cast<std::int64_t>(usec / 1'000'000);
}

bool is_service(std::string_view unit_name) { return unit_name.ends_with(".service"); }

bool is_transient_stub(const protocol::Unit& unit) {
  return unit.load_state == "not-found" && unit.active_state == protocol::UnitActiveState::inactive;
}

bool is_unit_property(std::string_view name) {
  return std::find(std::begin(unit_property_names), std::end(unit_property_names), name) !=
         std::end(unit_property_names);
}

bool apply_unit_properties(protocol::Unit& unit, const PropertyMap& properties) {
  bool changed = false;
  if (const auto* text = property_as<std::string>(properties, "ActiveState")) {
    changed |= assign(unit.active_state, parse_active_state(*text));
  }
  if (const auto* text = property_as<std::string>(properties, "SubState")) {
    changed |= assign(unit.sub_state, *text);
  }
  if (const auto* text = property_as<std::string>(properties, "LoadState")) {
    changed |= assign(unit.load_state, *text);
  }
  if (const auto* text = property_as<std::string>(properties, "Description")) {
    changed |= assign(unit.description, valid_text(*text));
  }
  if (const auto* usec = property_as<std::uint64_t>(properties, "StateChangeTimestamp")) {
    changed |= assign(unit.since, seconds_from_usec(*usec));
  }
  if (const auto* text = property_as<std::string>(properties, "Result"); text && is_service(unit.name)) {
    changed |= assign(unit.result, *text);
  }
  return changed;
}

bool apply_list_entry(protocol::Unit& unit, const UnitListEntry& entry) {
  bool changed = false;
  changed |= assign(unit.description, valid_text(entry.description));
  changed |= assign(unit.load_state, entry.load_state);
  changed |= assign(unit.active_state, parse_active_state(entry.active_state));
  changed |= assign(unit.sub_state, entry.sub_state);
  return changed;
}

protocol::Unit unit_from_list_entry(const UnitListEntry& entry) {
  protocol::Unit unit;
  unit.name = valid_text(entry.name);
  apply_list_entry(unit, entry);
  return unit;
}

}  // namespace nixtray::agent
