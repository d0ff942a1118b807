// SystemdWatcher, its first half: the connection to systemd (system bus or private socket, the
// signal matches, systemd appearing and vanishing, reconnecting with a backoff) and publishing the
// coalesced changes. Keeping the model in step over that connection is systemd_sync.cpp.
#include "systemd/systemd_watcher.hpp"

#include "support/logger.hpp"
#include "systemd/systemd_bus_names.hpp"

#include <cstdlib>
#include <filesystem>

namespace nixtray::agent {

namespace asio = net::asio;

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
  bus_->match("type='signal'," + from_systemd + "path='/org/freedesktop/systemd1',interface='" +
                  systemd_bus::manager_interface + "'",
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
  call(
      {"org.freedesktop.DBus", "/org/freedesktop/DBus", "org.freedesktop.DBus", "GetNameOwner", {systemd_bus::service}},
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
  call(
      {systemd_bus::service, systemd_bus::manager_path, systemd_bus::manager_interface, "Subscribe", {}},
      [this, epoch](BusMessage& reply) {
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
