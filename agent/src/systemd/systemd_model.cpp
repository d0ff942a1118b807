#include "systemd/systemd_model.hpp"

namespace nixtray::agent {

void SystemdModel::set_offline() {
  system_state_ = protocol::SystemState::offline;
  jobs_ = 0;
}

void SystemdModel::set_system_state(protocol::SystemState state) { system_state_ = state; }

void SystemdModel::set_jobs(int jobs) { jobs_ = jobs; }

std::vector<std::string> SystemdModel::replace_units(const std::vector<UnitListEntry>& listing) {
  std::set<std::string, std::less<>> listed;
  std::vector<std::string> new_or_changed;
  for (const auto& entry : listing) {
    listed.insert(entry.name);
    if (put_unit(entry)) {
      new_or_changed.push_back(entry.name);
    }
  }
  for (auto it = units_.begin(); it != units_.end();) {
    if (listed.contains(it->first)) {
      ++it;
      continue;
    }
    changed_.erase(it->first);
    removed_.insert(it->first);
    it = units_.erase(it);
  }
  return new_or_changed;
}

bool SystemdModel::put_unit(const UnitListEntry& entry) {
  const auto found = units_.find(entry.name);
  if (found == units_.end()) {
    units_.emplace(entry.name, unit_from_list_entry(entry));
    mark_changed(entry.name);
    return true;
  }
  if (apply_list_entry(found->second, entry)) {
    mark_changed(entry.name);
    return true;
  }
  return false;
}

bool SystemdModel::update_unit(std::string_view name, const PropertyMap& properties) {
  const auto found = units_.find(name);
  if (found == units_.end()) {
    return false;
  }
  if (apply_unit_properties(found->second, properties)) {
    mark_changed(found->first);
  }
  return true;
}

void SystemdModel::remove_unit(std::string_view name) {
  const auto found = units_.find(name);
  if (found == units_.end()) {
    return;
  }
  if (const auto pending = changed_.find(name); pending != changed_.end()) {
    changed_.erase(pending);
  }
  removed_.insert(found->first);
  units_.erase(found);
}

const protocol::Unit* SystemdModel::find_unit(std::string_view name) const {
  const auto found = units_.find(name);
  return found == units_.end() ? nullptr : &found->second;
}

std::vector<protocol::Unit> SystemdModel::units(bool failed_only) const {
  std::vector<protocol::Unit> result;
  for (const auto& [name, unit] : units_) {
    if (!failed_only || unit.active_state == protocol::UnitActiveState::failed) {
      result.push_back(unit);
    }
  }
  return result;
}

void SystemdModel::mark_changed(const std::string& name) {
  changed_.insert(name);
  if (const auto gone = removed_.find(name); gone != removed_.end()) {
    removed_.erase(gone);  // removed and back within one tick: a change, not a removal
  }
}

std::optional<protocol::UnitsChanged> SystemdModel::take_unit_changes() {
  if (changed_.empty() && removed_.empty()) {
    return std::nullopt;
  }
  protocol::UnitsChanged changes;
  for (const auto& name : changed_) {
    if (const auto* unit = find_unit(name)) {
      changes.changed.push_back(*unit);
    }
  }
  changes.removed.assign(removed_.begin(), removed_.end());
  changed_.clear();
  removed_.clear();
  return changes;
}

SystemdModel::StatusView SystemdModel::status_view() const { return {system_state_, jobs_, failed_units()}; }

bool SystemdModel::take_status_change() {
  auto now = status_view();
  if (now == published_status_) {
    return false;
  }
  published_status_ = std::move(now);
  return true;
}

bool SystemdModel::has_pending_changes() const {
  return !changed_.empty() || !removed_.empty() || status_view() != published_status_;
}

}  // namespace nixtray::agent
