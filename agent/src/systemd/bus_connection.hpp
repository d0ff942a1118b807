// One sd-bus connection to systemd: through the system bus (dbus-daemon, as sd-bus connects by
// default, honouring DBUS_SYSTEM_BUS_ADDRESS) or directly on systemd's private socket. Owns the
// sd_bus object; every call and match is asynchronous, and its handler runs from process().
// Closing the connection drops pending handlers without calling them.
#pragma once

#include "systemd/bus_message.hpp"

#include <chrono>
#include <deque>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

struct sd_bus;

namespace nixtray::agent {

using BusArgument = std::variant<std::string, std::vector<std::string>>;  // 's' or 'as'

struct MethodCall {
  std::string destination;
  std::string path;
  std::string interface;
  std::string member;
  std::vector<BusArgument> arguments;
};

class BusConnection {
 public:
  enum class Kind { system_bus, direct };
  using Handler = std::function<void(BusMessage&)>;

  // Both throw BusError saying why (no socket, refused, ...).
  static std::unique_ptr<BusConnection> open_system_bus();
  static std::unique_ptr<BusConnection> open_direct(const std::string& socket_path);

  ~BusConnection();
  BusConnection(const BusConnection&) = delete;
  BusConnection& operator=(const BusConnection&) = delete;

  [[nodiscard]] Kind kind() const { return kind_; }
  // On a direct connection there is no bus daemon: no names, no senders, no AddMatch.
  [[nodiscard]] bool is_bus_client() const { return kind_ == Kind::system_bus; }
  [[nodiscard]] const std::string& description() const { return description_; }

  // For an event loop: the socket, the poll events sd-bus waits for (negative errno when the
  // connection is gone), when it needs to run even without I/O, and one processing step
  // (> 0: did something, call again; 0: idle; < 0: failed).
  [[nodiscard]] int fd() const;
  [[nodiscard]] int wanted_events() const;
  [[nodiscard]] std::optional<std::chrono::steady_clock::time_point> deadline() const;
  int process();
  [[nodiscard]] bool is_open() const;

  // At most `max_calls_in_flight` calls wait for their reply (dbus-daemon refuses more than 128
  // per connection by default); further ones are queued here and sent as replies come in.
  // Throws BusError when the call cannot even be queued.
  void call(MethodCall call, Handler on_reply);
  [[nodiscard]] std::size_t calls_in_flight() const { return in_flight_; }
  static constexpr std::size_t max_calls_in_flight = 64;
  // A signal match rule (sender/interface/member/path_namespace/arg0...); the handler sees every
  // matching signal. On the system bus sd-bus also asks the daemon to route them (AddMatch).
  void match(const std::string& rule, Handler on_signal);

  // /org/freedesktop/systemd1/unit/<escaped name> and back.
  static std::string unit_path(std::string_view unit_name);
  static std::optional<std::string> unit_name_from_path(std::string_view path);

 private:
  BusConnection(sd_bus* bus, Kind kind, std::string description);
  void send(const MethodCall& call, Handler on_reply);
  void send_waiting();

  sd_bus* bus_;
  Kind kind_;
  std::string description_;
  std::size_t in_flight_ = 0;
  std::deque<std::pair<MethodCall, Handler>> waiting_;
};

}  // namespace nixtray::agent
