// Keeps SystemdModel true to systemd, pushed by systemd's signals rather than polled:
//
//   connect (system bus, else systemd's private socket) -> match signals -> Subscribe ->
//   ListUnits + SystemState/NJobs (+ since/result per unit) = in sync -> then only signals:
//   UnitNew/UnitRemoved, per-unit PropertiesChanged (values applied from the signal itself),
//   JobNew/JobRemoved/StartupFinished (re-read SystemState, which has no change signal),
//   Reloading (units are dropped and re-created: ignored until done, then re-listed),
//   NameOwnerChanged (systemd re-executing: offline, then a fresh sync).
//
// Changes are coalesced over a short window and handed to the listeners once per window.
// Losing the connection reports `offline` and retries with a backoff; that timer is the only
// one running without a change, and only while disconnected.
//
// The connection and publishing are in systemd_watcher.cpp, keeping the model in step (sync,
// signals, reads) in systemd_sync.cpp.
#pragma once

#include "nixtray/net/asio.hpp"
#include "systemd/bus_connection.hpp"
#include "systemd/bus_loop_driver.hpp"
#include "systemd/systemd_model.hpp"

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <set>
#include <string>
#include <vector>

namespace nixtray::agent {

struct SystemdWatcherOptions {
  // How long changes are gathered before they are published: a restart storm becomes one
  // `units` event per window instead of one per signal.
  std::chrono::milliseconds coalesce_window{5};
  std::chrono::milliseconds first_retry{100};
  std::chrono::milliseconds max_retry{std::chrono::seconds(30)};
  // Used when the system bus cannot be reached, unless DBUS_SYSTEM_BUS_ADDRESS names a bus
  // explicitly (then that bus is what was asked for; another systemd would be a surprise).
  std::string private_socket = "/run/systemd/private";
};

class SystemdWatcher {
 public:
  using UnitsListener = std::function<void(const protocol::UnitsChanged&)>;
  using StatusListener = std::function<void()>;

  SystemdWatcher(net::asio::io_context& io, UnitsListener on_units, StatusListener on_status,
                 SystemdWatcherOptions options = {});
  ~SystemdWatcher();
  SystemdWatcher(const SystemdWatcher&) = delete;
  SystemdWatcher& operator=(const SystemdWatcher&) = delete;

  void start();
  void stop();

  [[nodiscard]] const SystemdModel& model() const { return model_; }
  // Connected and synchronized: the model is systemd's current state.
  [[nodiscard]] bool in_sync() const { return systemd_present_ && in_sync_; }

 private:
  // Connection.
  void connect();
  void watch_signals();
  void find_systemd();
  void systemd_appeared();
  void systemd_vanished();
  void connection_lost(const std::string& reason);
  void schedule_reconnect();
  void report_unreachable(const std::string& why);

  // Synchronization.
  void synchronize(bool read_all_details);
  void sync_step_done(std::uint64_t sync_id);

  // Signals: they only note what to ask; send_requests() asks after the round, in one go.
  void on_manager_signal(BusMessage& signal);
  void on_properties_changed(BusMessage& signal);
  void on_name_owner_changed(BusMessage& signal);
  void send_requests();
  void read_manager_state(bool for_sync);
  void list_units(std::vector<std::string> names);
  void read_unit_details(const std::vector<std::string>& names, bool for_sync);
  void call(MethodCall method, BusConnection::Handler on_reply);

  // Publishing.
  void changed();
  void flush();

  net::asio::io_context& io_;
  UnitsListener on_units_;
  StatusListener on_status_;
  SystemdWatcherOptions options_;
  SystemdModel model_;

  std::unique_ptr<BusConnection> bus_;
  std::unique_ptr<BusLoopDriver> driver_;
  bool stopped_ = false;
  bool prefer_direct_ = false;  // the system bus accepted the socket but never answered
  bool bus_answered_ = false;
  bool systemd_present_ = false;
  bool announced_ = false;
  bool unreachable_logged_ = false;
  // Replies are applied only if nothing reconnected or re-synced since they were asked for.
  std::uint64_t epoch_ = 0;
  std::uint64_t sync_id_ = 0;
  int sync_steps_ = 0;
  bool in_sync_ = false;
  bool resync_wanted_ = false;
  // Between Reloading(true) and Reloading(false) systemd drops and re-creates every unit
  // (UnitRemoved/UnitNew for all): that is not news; the listing after the reload is.
  bool reloading_ = false;
  bool resync_all_details_ = false;

  bool manager_wanted_ = false;
  int manager_reads_in_flight_ = 0;
  bool manager_dirty_ = false;
  std::set<std::string, std::less<>> units_to_list_;

  net::asio::steady_timer flush_timer_;
  bool flush_armed_ = false;
  net::asio::steady_timer reconnect_timer_;
  std::chrono::milliseconds retry_delay_;
  std::shared_ptr<int> alive_ = std::make_shared<int>(0);
};

}  // namespace nixtray::agent
