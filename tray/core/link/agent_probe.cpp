#include "core/link/agent_probe.hpp"

#include "core/state/tray_state_reducer.hpp"

namespace nixtray::tray {

namespace asio = net::asio;

namespace {

// What the link's callbacks reach; they hold it weakly, so a late one after the look finds nothing.
struct Probe {
  explicit Probe(const asio::any_io_executor& executor) : finished(executor) {}
  TrayState state;
  std::shared_ptr<AgentLink> link;
  asio::steady_timer finished;
  bool done = false;
};

}  // namespace

asio::awaitable<TrayState> probe_agent(AgentLinkOptions options, std::shared_ptr<DistroControl> control,
                                       std::chrono::milliseconds deadline) {
  options.reconnect = false;
  auto executor = co_await asio::this_coro::executor;
  auto probe = std::make_shared<Probe>(executor);
  std::weak_ptr<Probe> weak = probe;
  probe->link = AgentLink::create(
      executor, std::move(options),
      [weak](TrayEvent event) {
        auto self = weak.lock();
        if (!self) return;
        self->state = TrayStateReducer::reduce(std::move(self->state), event);
        if (std::holds_alternative<LinkSynced>(event)) self->link->stop();
      },
      std::move(control));
  probe->link->on_finished([weak] {
    if (auto self = weak.lock()) {
      self->done = true;
      self->finished.cancel();
    }
  });
  probe->finished.expires_after(deadline);
  probe->link->start();
  if (!probe->done) co_await probe->finished.async_wait(net::use_nothrow);
  probe->link->stop();
  co_return probe->state;
}

}  // namespace nixtray::tray
