#include "core/link/agent_actions.hpp"

namespace nixtray::tray {

namespace asio = net::asio;

namespace {

// Free coroutines that hold the link themselves: an AgentActions may be gone before they resume.

template <class M>
asio::awaitable<ActionResult<typename M::Result>> call_on(std::shared_ptr<AgentLink> link, typename M::Params params) {
  auto op = link->call<M>(std::move(params));
  co_return co_await std::move(op);
}

asio::awaitable<ActionResult<std::string>> start_job(std::shared_ptr<AgentLink> link, protocol::JobStartParams params) {
  auto op = link->call<protocol::JobsStartMethod>(std::move(params));
  auto started = co_await std::move(op);
  if (!started) co_return started.error();
  co_return std::move(started->id);
}

asio::awaitable<ActionResult<int>> mark_good_on(std::shared_ptr<AgentLink> link, int generation) {
  protocol::MarkGoodParams params;
  params.number = generation;
  auto op = link->call<protocol::GenerationsMarkGoodMethod>(params);
  auto marked = co_await std::move(op);
  if (!marked) co_return marked.error();
  co_return marked->known_good;
}

}  // namespace

template <class T>
void AgentActions::deliver(asio::awaitable<ActionResult<T>> work, Reply<T> reply) {
  asio::co_spawn(
      link_->executor(),
      [work = std::move(work), reply = std::move(reply)]() mutable -> asio::awaitable<void> {
        std::optional<ActionResult<T>> result;
        try {
          result.emplace(co_await std::move(work));
        } catch (const std::exception& e) {
          result.emplace(ActionError{ActionErrorKind::failed, std::string("internal error: ") + e.what(), 0, nullptr});
        }
        if (reply) reply(std::move(*result));
      },
      asio::detached);
}

asio::awaitable<ActionResult<std::string>> AgentActions::start_rebuild(RebuildRequest request) {
  protocol::JobStartParams params;
  params.kind = protocol::JobKind::rebuild;
  params.mode = request.mode;
  params.flake = request.flake;
  if (request.upgrade) params.upgrade = true;
  if (request.update) params.update = true;
  params.system = request.system;
  return start_job(link_, std::move(params));
}

asio::awaitable<ActionResult<std::string>> AgentActions::rollback(RollbackRequest request) {
  protocol::JobStartParams params;
  params.kind = protocol::JobKind::rollback;
  params.mode = request.mode;
  params.to = request.to;
  return start_job(link_, std::move(params));
}

asio::awaitable<ActionResult<std::string>> AgentActions::collect_garbage(GcRequest request) {
  protocol::JobStartParams params;
  params.kind = protocol::JobKind::gc;
  params.keep = request.keep;
  params.older_than_days = request.older_than_days;
  return start_job(link_, std::move(params));
}

asio::awaitable<ActionResult<protocol::Job>> AgentActions::cancel_job(std::string job_id) {
  return call_on<protocol::JobsCancelMethod>(link_, protocol::JobIdParams{std::move(job_id)});
}

asio::awaitable<ActionResult<protocol::Job>> AgentActions::job(std::string job_id) {
  return call_on<protocol::JobsGetMethod>(link_, protocol::JobIdParams{std::move(job_id)});
}

asio::awaitable<ActionResult<protocol::LogChunk>> AgentActions::job_log(std::string job_id, std::int64_t from,
                                                                        int limit) {
  protocol::JobsLogParams params;
  params.id = std::move(job_id);
  params.from = from;
  params.limit = limit;
  return call_on<protocol::JobsLogMethod>(link_, std::move(params));
}

asio::awaitable<ActionResult<int>> AgentActions::mark_good(int generation) { return mark_good_on(link_, generation); }

asio::awaitable<ActionResult<protocol::GenerationsDiff>> AgentActions::diff_generations(
    protocol::GenerationsDiffParams params) {
  return call_on<protocol::GenerationsDiffMethod>(link_, std::move(params));
}

asio::awaitable<ActionResult<protocol::UnitsLogResult>> AgentActions::unit_log(std::string unit, int lines) {
  protocol::UnitsLogParams params;
  params.unit = std::move(unit);
  params.lines = lines;
  return call_on<protocol::UnitsLogMethod>(link_, std::move(params));
}

void AgentActions::start_rebuild(RebuildRequest request, Reply<std::string> reply) {
  deliver(start_rebuild(std::move(request)), std::move(reply));
}
void AgentActions::rollback(RollbackRequest request, Reply<std::string> reply) {
  deliver(rollback(request), std::move(reply));
}
void AgentActions::collect_garbage(GcRequest request, Reply<std::string> reply) {
  deliver(collect_garbage(request), std::move(reply));
}
void AgentActions::cancel_job(std::string job_id, Reply<protocol::Job> reply) {
  deliver(cancel_job(std::move(job_id)), std::move(reply));
}
void AgentActions::job_log(std::string job_id, std::int64_t from, int limit, Reply<protocol::LogChunk> reply) {
  deliver(job_log(std::move(job_id), from, limit), std::move(reply));
}
void AgentActions::mark_good(int generation, Reply<int> reply) { deliver(mark_good(generation), std::move(reply)); }
void AgentActions::diff_generations(protocol::GenerationsDiffParams params, Reply<protocol::GenerationsDiff> reply) {
  deliver(diff_generations(std::move(params)), std::move(reply));
}
void AgentActions::unit_log(std::string unit, int lines, Reply<protocol::UnitsLogResult> reply) {
  deliver(unit_log(std::move(unit), lines), std::move(reply));
}

}  // namespace nixtray::tray
