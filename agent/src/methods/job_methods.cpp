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
      [&jobs](CallContext context, protocol::JobsLogParams params) -> net::asio::awaitable<protocol::LogChunk> {
        if (params.format == protocol::LogFormat::raw) co_return jobs.raw_log(params.id, params.from);
        if (params.format == protocol::LogFormat::bytes) {
          // A slice like the raw form's, its bytes after the result's line instead of inside it as
          // JSON text; at most 1 MiB, so that a slice never takes a subscriber's unread answers
          // near the backlog that drops it (§4), and the next request waits for the client.
          constexpr std::size_t max_bytes_slice = 1024 * 1024;
          auto chunk = jobs.raw_log(params.id, params.from, max_bytes_slice);
          chunk.bytes = static_cast<std::int64_t>(chunk.text->size());
          *context.payload = std::move(*chunk.text);
          chunk.text.reset();
          co_return chunk;
        }
        auto reading = jobs.log(params.id, params.from, params.limit);
        co_return co_await std::move(reading);
      });
  registry.add<protocol::JobsCancelMethod>(
      [&jobs](CallContext, protocol::JobIdParams params) -> net::asio::awaitable<protocol::Job> {
        co_return jobs.cancel(params.id);
      });
}

}  // namespace nixtray::agent
