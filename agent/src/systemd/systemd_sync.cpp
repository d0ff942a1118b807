// SystemdWatcher, its second half: keeping SystemdModel in step with systemd over the connection
// (systemd_watcher.cpp): the full synchronization, what each signal means for the model, and the
// reads the signals ask for, sent once per round.
#include "systemd/systemd_watcher.hpp"

#include "nixtray/protocol/wire_name.hpp"
#include "support/logger.hpp"
#include "systemd/systemd_bus_names.hpp"

namespace nixtray::agent {

namespace {

MethodCall get_property(std::string path, std::string interface, std::string property) {
  return {systemd_bus::service,
          std::move(path),
          systemd_bus::properties_interface,
          "Get",
          {std::move(interface), std::move(property)}};
}

// ListUnitsByPatterns takes fnmatch patterns; unit names may hold '\' (as in "\x2d").
std::string exact_pattern(std::string_view name) {
  std::string pattern;
  for (const char c : name) {
    if (c == '\\' || c == '*' || c == '?' || c == '[' || c == ']') {
      pattern += '\\';
    }
    pattern += c;
  }
  return pattern;
}

}  // namespace

// ---------------------------------------------------------------------------------------------
// Synchronization

void SystemdWatcher::synchronize(bool read_all_details) {
  if (sync_steps_ > 0) {
    resync_wanted_ = true;
    resync_all_details_ = resync_all_details_ || read_all_details;
    return;
  }
  in_sync_ = false;
  const auto sync_id = ++sync_id_;
  const auto epoch = epoch_;
  sync_steps_ = 1;
  call({systemd_bus::service, systemd_bus::manager_path, systemd_bus::manager_interface, "ListUnits", {}},
       [this, sync_id, epoch, read_all_details](BusMessage& reply) {
         if (epoch != epoch_ || sync_id != sync_id_) {
           return;
         }
         if (reply.is_error()) {
           log_warning("systemd did not list its units: " + reply.error_text());
         } else {
           auto listing = reply.read_unit_list();
           auto fresh = model_.replace_units(listing);
           if (read_all_details) {
             fresh.clear();
             for (const auto& entry : listing) {
               fresh.push_back(entry.name);
             }
           }
           read_unit_details(fresh, true);
         }
         sync_step_done(sync_id);
       });
  read_manager_state(true);
}

void SystemdWatcher::sync_step_done(std::uint64_t sync_id) {
  if (sync_id != sync_id_ || --sync_steps_ > 0) {
    return;
  }
  in_sync_ = true;
  bus_answered_ = true;
  retry_delay_ = options_.first_retry;
  if (!announced_) {
    log_info("watching systemd via " + bus_->description() + ": " + std::to_string(model_.unit_count()) +
             " units, system state " + protocol::wire_name(model_.system_state()) + ", " +
             std::to_string(model_.failed_units().size()) + " failed");
    announced_ = true;
    unreachable_logged_ = false;
  }
  flush();
  if (resync_wanted_) {
    resync_wanted_ = false;
    const bool all = resync_all_details_;
    resync_all_details_ = false;
    synchronize(all);
  }
}

// ---------------------------------------------------------------------------------------------
// Signals

void SystemdWatcher::on_manager_signal(BusMessage& signal) {
  if (!systemd_present_) {
    return;
  }
  const auto member = signal.member();
  if (member == "Reloading") {
    reloading_ = signal.read_bool();
    if (!reloading_) {
      resync_wanted_ = true;  // units may have new descriptions, load states, or be gone
    }
    manager_wanted_ = true;
    return;
  }
  if (reloading_ && (member == "UnitNew" || member == "UnitRemoved")) {
    return;
  }
  if (member == "UnitNew") {
    auto name = signal.read_string();
    if (!model_.has_unit(name)) {
      units_to_list_.insert(std::move(name));
    }
  } else if (member == "UnitRemoved") {
    const auto name = signal.read_string();
    model_.remove_unit(name);
    if (const auto queued = units_to_list_.find(name); queued != units_to_list_.end()) {
      units_to_list_.erase(queued);
    }
    manager_wanted_ = true;
    changed();
  } else if (member == "JobNew" || member == "JobRemoved" || member == "StartupFinished") {
    manager_wanted_ = true;
  }
}

void SystemdWatcher::on_properties_changed(BusMessage& signal) {
  if (!systemd_present_) {
    return;
  }
  const auto name = BusConnection::unit_name_from_path(signal.path());
  if (!name) {
    if (signal.path() == systemd_bus::manager_path) {
      manager_wanted_ = true;  // e.g. NFailedUnits
    }
    return;
  }
  const auto interface = signal.read_string();
  if (interface != systemd_bus::unit_interface && interface != systemd_bus::service_interface) {
    return;
  }
  const auto properties = signal.read_properties(is_unit_property);
  bool must_list = false;
  for (const auto& invalidated : signal.read_string_array()) {
    must_list = must_list || is_unit_property(invalidated);
  }
  // systemd sends the new values with the signal: no round trip needed for a known unit. (Asking
  // a unit object that systemd is about to drop would make it load the unit again.)
  if (model_.update_unit(*name, properties)) {
    changed();
  } else {
    must_list = true;
  }
  if (properties.contains("ActiveState")) {
    manager_wanted_ = true;  // failed units and jobs decide SystemState
  }
  if (must_list) {
    units_to_list_.insert(*name);
  }
}

void SystemdWatcher::on_name_owner_changed(BusMessage& signal) {
  const auto name = signal.read_string();
  const auto old_owner = signal.read_string();
  const auto new_owner = signal.read_string();
  if (name != systemd_bus::service) {
    return;
  }
  bus_answered_ = true;
  if (new_owner.empty()) {
    log_info("systemd left the bus (re-executing?); system_state is offline until it is back");
    systemd_vanished();
  } else {
    log_info("systemd is on the bus; synchronizing");
    announced_ = false;
    systemd_appeared();
  }
}

void SystemdWatcher::send_requests() {
  if (!bus_ || !systemd_present_) {
    return;
  }
  try {
    if (resync_wanted_ && sync_steps_ == 0) {
      resync_wanted_ = false;
      const bool all = resync_all_details_;
      resync_all_details_ = false;
      synchronize(all);
    }
    if (manager_wanted_) {
      manager_wanted_ = false;
      if (manager_reads_in_flight_ > 0) {
        manager_dirty_ = true;  // read again once these replies are in: they may predate the change
      } else {
        read_manager_state(false);
      }
    }
    if (!units_to_list_.empty()) {
      std::vector<std::string> names(units_to_list_.begin(), units_to_list_.end());
      units_to_list_.clear();
      list_units(std::move(names));
    }
  } catch (const BusError& e) {
    log_warning(std::string("systemd watcher: ") + e.what());
  }
}

void SystemdWatcher::read_manager_state(bool for_sync) {
  const auto epoch = epoch_;
  const auto sync_id = sync_id_;
  for (const char* property : {"SystemState", "NJobs"}) {
    if (for_sync) {
      ++sync_steps_;
    } else {
      ++manager_reads_in_flight_;
    }
    call(get_property(systemd_bus::manager_path, systemd_bus::manager_interface, property),
         [this, epoch, sync_id, for_sync, property = std::string(property)](BusMessage& reply) {
           if (epoch != epoch_) {
             return;
           }
           if (reply.is_error()) {
             log_debug("cannot read systemd's " + property + ": " + reply.error_text());
           } else {
             const auto value = reply.read_variant();
             if (const auto* text = std::get_if<std::string>(&value); text && property == "SystemState") {
               model_.set_system_state(parse_system_state(*text));
             } else if (const auto* number = std::get_if<std::uint64_t>(&value); number && property == "NJobs") {
               model_.set_jobs(static_cast<int>(*number));
             }
             changed();
           }
           if (for_sync) {
             sync_step_done(sync_id);
           } else if (--manager_reads_in_flight_ == 0 && manager_dirty_) {
             manager_dirty_ = false;
             manager_wanted_ = true;  // sent at the end of this round
           }
         });
  }
}

void SystemdWatcher::list_units(std::vector<std::string> names) {
  std::vector<std::string> patterns;
  for (const auto& name : names) {
    patterns.push_back(exact_pattern(name));
  }
  const auto epoch = epoch_;
  // ListUnitsByPatterns only reports loaded units and, unlike reading a unit object, never makes
  // systemd load one: a unit that is gone by now stays gone.
  call({systemd_bus::service,
        systemd_bus::manager_path,
        systemd_bus::manager_interface,
        "ListUnitsByPatterns",
        {std::vector<std::string>{}, std::move(patterns)}},
       [this, epoch](BusMessage& reply) {
         if (epoch != epoch_) {
           return;
         }
         if (reply.is_error()) {
           log_debug("cannot list units: " + reply.error_text());
           return;
         }
         std::vector<std::string> listed;
         for (const auto& entry : reply.read_unit_list()) {
           model_.put_unit(entry);
           listed.push_back(entry.name);
         }
         read_unit_details(listed, false);
         changed();
       });
}

void SystemdWatcher::read_unit_details(const std::vector<std::string>& names, bool for_sync) {
  const auto epoch = epoch_;
  const auto sync_id = sync_id_;
  for (const auto& name : names) {
    const auto* unit = model_.find_unit(name);
    if (!unit || is_transient_stub(*unit)) {
      continue;  // nothing to learn, and asking would load the stub again
    }
    const auto path = BusConnection::unit_path(name);
    std::vector<MethodCall> reads = {get_property(path, systemd_bus::unit_interface, "StateChangeTimestamp")};
    if (is_service(name)) {
      reads.push_back(get_property(path, systemd_bus::service_interface, "Result"));
    }
    for (auto& read : reads) {
      if (for_sync) {
        ++sync_steps_;
      }
      const auto property = read.arguments.back();
      call(std::move(read),
           [this, epoch, sync_id, for_sync, name, property = std::get<std::string>(property)](BusMessage& reply) {
             if (epoch != epoch_) {
               return;
             }
             if (!reply.is_error()) {
               PropertyMap properties;
               properties.emplace(property, reply.read_variant());
               if (model_.update_unit(name, properties)) {
                 changed();
               }
             }
             if (for_sync) {
               sync_step_done(sync_id);
             }
           });
    }
  }
}

void SystemdWatcher::call(MethodCall method, BusConnection::Handler on_reply) {
  bus_->call(std::move(method), std::move(on_reply));
}

}  // namespace nixtray::agent
