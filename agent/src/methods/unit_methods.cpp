// units.list and units.log: systemd's units as the watcher keeps them, and their journal.
#include "daemon/agent_daemon.hpp"
#include "methods/method_families.hpp"
#include "nixtray/protocol/units.hpp"
#include "support/logger.hpp"

#include <memory>
#include <string>

namespace nixtray::agent {

void register_unit_methods(MethodRegistry& registry, AgentDaemon& daemon) {
  registry.add<protocol::UnitsListMethod>(
      [&daemon](CallContext, protocol::UnitsListParams params) -> net::asio::awaitable<protocol::UnitsListResult> {
        co_return protocol::UnitsListResult{daemon.systemd().model().units(params.failed_only)};
      });

  // A journal that cannot be read is logged once per reason, not once per request.
  auto last_problem = std::make_shared<std::string>();
  registry.add<protocol::UnitsLogMethod>(
      [&daemon, last_problem](CallContext,
                              protocol::UnitsLogParams params) -> net::asio::awaitable<protocol::UnitsLogResult> {
        // Whether systemd knows the unit is decided now, before the read: the answer should not
        // depend on what happened while the journal was read.
        const auto& systemd = daemon.systemd();
        const bool loaded = systemd.model().has_unit(params.unit);
        const bool can_tell = systemd.in_sync();
        auto read = daemon.unit_journal().read(params.unit, params.lines);
        auto tail = co_await std::move(read);
        if (!tail.available && tail.problem != *last_problem) {
          log_warning("units.log: " + tail.problem + " (answering with no lines)");
          *last_problem = tail.problem;
        }
        // A unit systemd no longer has can still have lines (a finished transient unit): those
        // are worth showing. A name that is neither loaded nor in the journal is not a unit.
        if (tail.lines.empty() && !loaded && can_tell) {
          throw protocol::RpcException(
              protocol::ErrorCode::not_found,
              "there is no unit " + params.unit + " (systemd has not loaded it and the journal has no lines for it)");
        }
        co_return protocol::UnitsLogResult{params.unit, std::move(tail.lines)};
      });
}

}  // namespace nixtray::agent
