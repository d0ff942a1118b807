#include "daemon/agent_daemon.hpp"
#include "methods/method_families.hpp"
#include "nixtray/protocol/verification.hpp"
#include "nixtray/protocol/verify.hpp"
#include "state/profile_scan.hpp"

#include <algorithm>

namespace nixtray::agent {

void register_verify_methods(MethodRegistry& registry, AgentDaemon& daemon) {
  registry.add<protocol::VerifyPreflightMethod>(
      [&daemon](CallContext, protocol::PreflightParams params) -> net::asio::awaitable<protocol::PreflightResult> {
        // The profile as it is now: the generation a rebuild added a moment ago is the one asked about.
        const auto& profile_dir = daemon.config().profile_dir;
        const auto scan = scan_profile(profile_dir);
        if (scan.problem) {
          throw protocol::RpcException(protocol::ErrorCode::internal_error, *scan.problem);
        }
        const auto number = params.number ? params.number : scan.default_number;
        if (!number) {
          throw protocol::RpcException(protocol::ErrorCode::not_found,
                                       "there is no default generation: " + (profile_dir / "system").string() +
                                           " does not point at a system-N-link");
        }
        const auto link = std::find_if(scan.links.begin(), scan.links.end(),
                                       [&](const ProfileLink& l) { return l.number == *number; });
        if (link == scan.links.end()) {
          throw protocol::RpcException(protocol::ErrorCode::not_found,
                                       "there is no generation " + std::to_string(*number));
        }
        PreflightInput input;
        input.number = *number;
        input.link = link->link;
        input.store = daemon.closure_queries().location();
        auto checking = daemon.preflight().check(std::move(input));
        co_return co_await std::move(checking);
      });

  registry.add<protocol::VerifyRecordMethod>(
      [&daemon](CallContext context,
                protocol::VerifyRecordParams params) -> net::asio::awaitable<protocol::VerificationRecord> {
        auto recording = daemon.verification().record(std::move(params), context.peer.describe());
        co_return co_await std::move(recording);
      });

  registry.add<protocol::VerifyGetMethod>(
      [&daemon](CallContext context,
                protocol::VerifyGetParams params) -> net::asio::awaitable<protocol::VerificationRecord> {
        auto record = daemon.verification().get(params.generation);
        // The evidence is journal lines of the failed boot, which may hold secrets like any log: a
        // read-only peer sees the state and the headline, not the lines (docs/security.md).
        if (!context.peer.authorized) record.evidence.reset();
        co_return record;
      });
}

}  // namespace nixtray::agent
