// One look at the agent, the way `nixtrayctl status` takes it: an AgentLink that does not
// reconnect, its events folded with the tray's own reducer until the agent's state is synced or
// the one attempt has failed (or `deadline` passed). Persists nothing and notifies nothing.
#pragma once

#include "core/distro/distro_control.hpp"
#include "core/link/agent_link.hpp"
#include "core/state/tray_state.hpp"

#include <chrono>
#include <memory>

namespace nixtray::tray {

net::asio::awaitable<TrayState> probe_agent(AgentLinkOptions options, std::shared_ptr<DistroControl> control,
                                            std::chrono::milliseconds deadline);

}  // namespace nixtray::tray
