#include "systemd/systemd_watcher.hpp"

#include "support/logger.hpp"

#include <cstdlib>
#include <filesystem>

namespace nixtray::agent {

namespace asio = net::asio;

namespace {

constexpr const char* systemd_name = "org.freedesktop.systemd1";
constexpr const char* manager_path = "/org/freedesktop/systemd1";
constexpr const char* manager_interface = "org.freedesktop.systemd1.Manager";
constexpr const char* unit_interface = "org.freedesktop.systemd1.Unit";
constexpr const char* service_interface = "org.freedesktop.systemd1.Service";
constexpr const char* properties_interface = "org.freedesktop.DBus.Properties";

void log_debug(const std::string& message) { log(LogLevel::debug, message); }

MethodCall get_property(std::string path, std::string interface, std::string property) {
  return {systemd_name, std::move(path), properties_interface, "Get", {std::move(interface), std::move(property)}};
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

std::string system_state_name(protocol::SystemState state) { return protocol::json(state).get<std::string>(); }

}  // namespace

SystemdWatcher::SystemdWatcher(asio::io_context& io, UnitsListener on_units, StatusListener on_status,
                               SystemdWatcherOptions options)
    : io_(io),
      on_units_(std::move(on_units)),
      on_status_(std::move(on_status)),
      options_(std::move(options)),
      flush_timer_(io),
      reconnect_timer_(io),
      retry_delay_(options_.first_retry) {}

SystemdWatcher::~SystemdWatcher() { stop(); }

void SystemdWatcher::start() {
  stopped_ = false;
  connect();
}

void SystemdWatcher::stop() {
  stopped_ = true;
  flush_timer_.cancel();
  reconnect_timer_.cancel();
  driver_.reset();
  bus_.reset();
}

// ---------------------------------------------------------------------------------------------
// Connection

void SystemdWatcher::connect() {
  if (stopped_) {
    return;
  }
  std::string why;
  // An explicit bus address is a choice (tests point it at a namespace, or at nothing): never
  // fall back to whatever systemd owns /run/systemd/private then.
  const bool direct_allowed = std::getenv("DBUS_SYSTEM_BUS_ADDRESS") == nullptr && !options_.private_socket.empty();
  if (!(prefer_direct_ && direct_allowed)) {
    try {
      bus_ = BusConnection::open_system_bus();
    } catch (const BusError& e) {
      why = e.what();
    }
  }
  if (!bus_ && direct_allowed) {
    std::error_code ec;
    if (std::filesystem::exists(options_.private_socket, ec)) {
      try {
        bus_ = BusConnection::open_direct(options_.private_socket);
      } catch (const BusError& e) {
        why += (why.empty() ? "" : "; ") + std::string(e.what());
      }
    } else {
      why += (why.empty() ? "" : "; ") + options_.private_socket + " does not exist";
    }
  }
  if (!bus_) {
    report_unreachable(why);
    schedule_reconnect();
    return;
  }
  ++epoch_;
  bus_answered_ = false;
  driver_ = std::make_unique<BusLoopDriver>(
      io_, *bus_, [this] { send_requests(); }, [this](const std::string& reason) { connection_lost(reason); });
  try {
    watch_signals();
    if (bus_->is_bus_client()) {
      find_systemd();
    } else {
      systemd_appeared();
    }
  } catch (const BusError& e) {
    driver_.reset();
    bus_.reset();
    report_unreachable(e.what());
    schedule_reconnect();
    return;
  }
  driver_->start();
}

void SystemdWatcher::watch_signals() {
  // On a direct connection messages carry no sender (there is no bus); systemd sends its
  // signals to every direct client.
  const std::string from_systemd = bus_->is_bus_client() ? "sender='org.freedesktop.systemd1'," : "";
  bus_->match(
      "type='signal'," + from_systemd + "path='/org/freedesktop/systemd1',interface='" + manager_interface + "'",
      [this](BusMessage& signal) { on_manager_signal(signal); });
  bus_->match("type='signal'," + from_systemd +
                  "interface='org.freedesktop.DBus.Properties',member='PropertiesChanged',"
                  "path_namespace='/org/freedesktop/systemd1'",
              [this](BusMessage& signal) { on_properties_changed(signal); });
  if (bus_->is_bus_client()) {
    bus_->match(
        "type='signal',sender='org.freedesktop.DBus',path='/org/freedesktop/DBus',interface='org.freedesktop.DBus',"
        "member='NameOwnerChanged',arg0='org.freedesktop.systemd1'",
        [this](BusMessage& signal) { on_name_owner_changed(signal); });
  }
}

void SystemdWatcher::find_systemd() {
  const auto epoch = epoch_;
  call({"org.freedesktop.DBus", "/org/freedesktop/DBus", "org.freedesktop.DBus", "GetNameOwner", {systemd_name}},
       [this, epoch](BusMessage& reply) {
         if (epoch != epoch_) {
           return;
         }
         if (!reply.is_error()) {
           bus_answered_ = true;
           systemd_appeared();
           return;
         }
         if (reply.error_name() == "org.freedesktop.DBus.Error.NameHasNoOwner") {
           bus_answered_ = true;
           log_info("connected to the system bus, but systemd is not on it; waiting for it (system_state offline)");
           model_.set_offline();
           changed();
         }
         // Anything else is the connection failing; the driver reports that.
       });
}

void SystemdWatcher::systemd_appeared() {
  ++epoch_;  // replies still due from a previous systemd are dropped, a sync in progress too
  systemd_present_ = true;
  in_sync_ = false;
  sync_steps_ = 0;
  reloading_ = false;
  resync_wanted_ = false;  // the full sync below covers it
  resync_all_details_ = false;
  manager_reads_in_flight_ = 0;
  manager_dirty_ = false;
  const auto epoch = epoch_;
  call({systemd_name, manager_path, manager_interface, "Subscribe", {}}, [this, epoch](BusMessage& reply) {
    if (epoch == epoch_ && reply.is_error() && reply.error_name() != "org.freedesktop.systemd1.AlreadySubscribed") {
      log_warning("systemd refused Subscribe (" + reply.error_text() + "); unit changes may go unnoticed");
    }
  });
  synchronize(true);
}

void SystemdWatcher::systemd_vanished() {
  ++epoch_;
  systemd_present_ = false;
  in_sync_ = false;
  sync_steps_ = 0;
  reloading_ = false;
  announced_ = false;
  units_to_list_.clear();
  manager_wanted_ = false;
  model_.set_offline();
  changed();
}

void SystemdWatcher::connection_lost(const std::string& reason) {
  const bool was_synced = in_sync();
  if (was_synced) {
    log_warning("lost the connection to systemd via " + bus_->description() + " (" + reason +
                "); system_state is offline until it is back");
  } else if (!unreachable_logged_) {
    log_warning("cannot talk to systemd via " + bus_->description() + " (" + reason +
                "); system_state is offline; retrying in the background");
  } else {
    log_debug("connection to systemd via " + bus_->description() + " failed: " + reason);
  }
  unreachable_logged_ = true;
  // A bus that took the socket but never answered (e.g. it refused our credentials): try the
  // other way next time.
  if (bus_->is_bus_client() && !bus_answered_) {
    prefer_direct_ = true;
  } else if (!bus_->is_bus_client()) {
    prefer_direct_ = false;
  }
  driver_.reset();
  bus_.reset();
  systemd_vanished();
  schedule_reconnect();
}

void SystemdWatcher::report_unreachable(const std::string& why) {
  model_.set_offline();
  changed();
  if (!unreachable_logged_) {
    log_warning("cannot reach systemd (" + why + "); system_state is offline; retrying in the background");
    unreachable_logged_ = true;
  } else {
    log_debug("still cannot reach systemd: " + why);
  }
}

void SystemdWatcher::schedule_reconnect() {
  if (stopped_) {
    return;
  }
  reconnect_timer_.expires_after(retry_delay_);
  retry_delay_ = std::min(retry_delay_ * 2, options_.max_retry);
  reconnect_timer_.async_wait([this, alive = std::weak_ptr<int>(alive_)](const net::error_code& ec) {
    if (!ec && !alive.expired()) {
      connect();
    }
  });
}

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
  call({systemd_name, manager_path, manager_interface, "ListUnits", {}},
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
             " units, system state " + system_state_name(model_.system_state()) + ", " +
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
    if (signal.path() == manager_path) {
      manager_wanted_ = true;  // e.g. NFailedUnits
    }
    return;
  }
  const auto interface = signal.read_string();
  if (interface != unit_interface && interface != service_interface) {
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
  if (name != systemd_name) {
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
    call(get_property(manager_path, manager_interface, property),
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
  call({systemd_name,
        manager_path,
        manager_interface,
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
    std::vector<MethodCall> reads = {get_property(path, unit_interface, "StateChangeTimestamp")};
    if (is_service(name)) {
      reads.push_back(get_property(path, service_interface, "Result"));
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

// ---------------------------------------------------------------------------------------------
// Publishing

void SystemdWatcher::changed() {
  if (flush_armed_ || stopped_) {
    return;
  }
  flush_armed_ = true;
  flush_timer_.expires_after(options_.coalesce_window);
  flush_timer_.async_wait([this, alive = std::weak_ptr<int>(alive_)](const net::error_code& ec) {
    if (ec || alive.expired()) {
      return;
    }
    flush_armed_ = false;
    flush();
  });
}

void SystemdWatcher::flush() {
  if (systemd_present_ && (!in_sync_ || reloading_)) {
    return;  // half a snapshot helps nobody: the end of the sync publishes
  }
  if (auto changes = model_.take_unit_changes()) {
    on_units_(*changes);
  }
  if (model_.take_status_change()) {
    on_status_();
  }
}

}  // namespace nixtray::agent
