// What the agent knows about systemd: the overall state, the queued jobs and the loaded units,
// and what changed since it was last published. Fed by SystemdWatcher; no bus in here.
#pragma once

#include "nixtray/protocol/status.hpp"
#include "nixtray/protocol/units.hpp"
#include "systemd/unit_properties.hpp"

#include <map>
#include <optional>
#include <set>
#include <string>
#include <vector>

namespace nixtray::agent {

class SystemdModel {
 public:
  // systemd cannot be reached. Units stay as last seen (clients see `offline` and know they
  // may be stale); no job can be queued without systemd.
  void set_offline();
  void set_system_state(protocol::SystemState state);
  void set_jobs(int jobs);

  // A complete listing (after connecting or a daemon-reload): units missing from it are
  // removed. Returns the names that are new or whose listed fields changed.
  std::vector<std::string> replace_units(const std::vector<UnitListEntry>& listing);
  // Adds or updates one listed unit. Returns true when it is new or changed.
  bool put_unit(const UnitListEntry& entry);
  // Applies properties to a known unit; false when the unit is not known (nothing done).
  bool update_unit(std::string_view name, const PropertyMap& properties);
  void remove_unit(std::string_view name);

  [[nodiscard]] bool has_unit(std::string_view name) const { return units_.find(name) != units_.end(); }
  [[nodiscard]] const protocol::Unit* find_unit(std::string_view name) const;
  [[nodiscard]] std::size_t unit_count() const { return units_.size(); }
  [[nodiscard]] std::vector<protocol::Unit> units(bool failed_only) const;  // sorted by name
  [[nodiscard]] std::vector<protocol::Unit> failed_units() const { return units(true); }
  [[nodiscard]] protocol::SystemState system_state() const { return system_state_; }
  [[nodiscard]] int jobs() const { return jobs_; }

  // The units changed or removed since the last call; nullopt when nothing changed.
  std::optional<protocol::UnitsChanged> take_unit_changes();
  // True when system state, failed units or job count differ from the last call's view.
  bool take_status_change();
  [[nodiscard]] bool has_pending_changes() const;

 private:
  void mark_changed(const std::string& name);

  std::map<std::string, protocol::Unit, std::less<>> units_;
  std::set<std::string, std::less<>> changed_;
  std::set<std::string, std::less<>> removed_;
  protocol::SystemState system_state_ = protocol::SystemState::unknown;
  int jobs_ = 0;

  struct StatusView {
    protocol::SystemState system_state = protocol::SystemState::unknown;
    int jobs = 0;
    std::vector<protocol::Unit> failed;
    bool operator==(const StatusView&) const = default;
  };
  [[nodiscard]] StatusView status_view() const;
  StatusView published_status_;
};

}  // namespace nixtray::agent
