#include "methods/method_families.hpp"
#include "nixtray/protocol/subscribe.hpp"
#include "server/agent_server.hpp"
#include "server/session.hpp"

namespace nixtray::agent {

namespace {

protocol::TopicsResult topics_of(Session& session) {
  protocol::TopicsResult result;
  result.topics.assign(session.topics().begin(), session.topics().end());
  return result;
}

}  // namespace

void register_subscription_methods(MethodRegistry& registry, AgentServer& server) {
  registry.add<protocol::SubscribeMethod>(
      [&server](CallContext context, protocol::TopicsParams params) -> net::asio::awaitable<protocol::TopicsResult> {
        for (const auto& topic : params.topics) {
          // A job's log may hold secrets: like jobs.log, for authorized peers only (§3).
          if (!context.peer.authorized && protocol::job_id_of_log_topic(topic)) {
            throw protocol::RpcException(protocol::ErrorCode::unauthorized,
                                         topic +
                                             " carries a job's log, which may hold secrets: only root or members "
                                             "of the agent's group may follow it");
          }
          server.check_topic(topic);  // all or nothing: a refused topic subscribes none
        }
        for (auto& topic : params.topics) {
          if (context.session->topics().insert(topic).second) {
            server.notify_subscribed(context.session, topic);
          }
        }
        co_return topics_of(*context.session);
      });

  registry.add<protocol::UnsubscribeMethod>(
      [](CallContext context, protocol::TopicsParams params) -> net::asio::awaitable<protocol::TopicsResult> {
        for (const auto& topic : params.topics) {
          context.session->topics().erase(topic);
        }
        co_return topics_of(*context.session);
      });
}

}  // namespace nixtray::agent
