#include "jobs/job_service.hpp"
#include "methods/method_families.hpp"
#include "nixtray/protocol/jobs.hpp"

namespace nixtray::agent {

void register_job_methods(MethodRegistry& registry, JobService& jobs) {
  registry.add<protocol::JobsStartMethod>(
      [&jobs](CallContext context, protocol::JobStartParams params) -> net::asio::awaitable<protocol::JobStartResult> {
        co_return jobs.start_job(params, context.peer);
      });
  registry.add<protocol::JobsListMethod>(
      [&jobs](CallContext, protocol::JobsListParams params) -> net::asio::awaitable<protocol::JobsList> {
        co_return jobs.list(params.limit);
      });
  registry.add<protocol::JobsGetMethod>(
      [&jobs](CallContext, protocol::JobIdParams params) -> net::asio::awaitable<protocol::Job> {
        co_return jobs.get(params.id);
      });
  registry.add<protocol::JobsLogMethod>(
      [&jobs](CallContext, protocol::JobsLogParams params) -> net::asio::awaitable<protocol::LogChunk> {
        if (params.raw) co_return jobs.raw_log(params.id, params.from);
        auto reading = jobs.log(params.id, params.from, params.limit);
        co_return co_await std::move(reading);
      });
  registry.add<protocol::JobsCancelMethod>(
      [&jobs](CallContext, protocol::JobIdParams params) -> net::asio::awaitable<protocol::Job> {
        co_return jobs.cancel(params.id);
      });
}

}  // namespace nixtray::agent
