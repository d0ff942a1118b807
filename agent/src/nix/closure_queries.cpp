#include "nix/closure_queries.hpp"

#include "nix/closure_diff.hpp"

#include <system_error>

namespace nixtray::agent {

namespace asio = net::asio;
namespace fs = std::filesystem;

namespace {

ClosureLookupError not_registered(const fs::path& store_path) {
  return {ClosureLookupError::Kind::not_registered,
          "the store path " + store_path.string() +
              " is not registered in the Nix database (partly deleted, or its build never finished)"};
}

}  // namespace

ClosureQueries::ClosureQueries(NixStoreLocation location, asio::any_io_executor loop)
    : location_(std::move(location)), loop_(std::move(loop)) {}

ClosureQueries::~ClosureQueries() {
  // Queued work is dropped; a query already running finishes first (it cannot be interrupted).
  worker_.stop();
  worker_.join();
}

NixDatabase& ClosureQueries::database() {
  if (!database_) {
    database_.emplace(location_.database());
  }
  return *database_;
}

std::variant<fs::path, ClosureLookupError> ClosureQueries::existing_store_path(const fs::path& path) {
  using Kind = ClosureLookupError::Kind;
  const auto store_path = location_.store_path_of(path);
  if (!store_path) {
    return ClosureLookupError{Kind::not_in_store,
                              path.string() + " is not in the Nix store " + location_.store_dir.string()};
  }
  std::error_code ec;
  if (!fs::exists(*store_path, ec)) {
    return ClosureLookupError{
        Kind::missing, "the store path " + store_path->string() + " no longer exists (garbage-collected or deleted)"};
  }
  return *store_path;
}

std::variant<StoreClosure, ClosureLookupError> ClosureQueries::closure_of(const fs::path& path) {
  auto store_path = existing_store_path(path);
  if (auto* error = std::get_if<ClosureLookupError>(&store_path)) {
    return *error;
  }
  const auto& existing = std::get<fs::path>(store_path);
  try {
    if (auto closure = database().closure(existing.string())) {
      return std::move(*closure);
    }
  } catch (const NixDatabaseError& e) {
    database_.reset();
    return ClosureLookupError{ClosureLookupError::Kind::database, e.what()};
  }
  return not_registered(existing);
}

ClosureSizeResult ClosureQueries::closure_size_of(const fs::path& path) {
  auto store_path = existing_store_path(path);
  if (auto* error = std::get_if<ClosureLookupError>(&store_path)) {
    return {std::nullopt, *error};
  }
  const auto& existing = std::get<fs::path>(store_path);
  try {
    if (auto size = database().closure_size(existing.string())) {
      return {size, std::nullopt};
    }
  } catch (const NixDatabaseError& e) {
    database_.reset();
    return {std::nullopt, ClosureLookupError{ClosureLookupError::Kind::database, e.what()}};
  }
  return {std::nullopt, not_registered(existing)};
}

void ClosureQueries::closure_sizes(std::vector<fs::path> store_paths, std::function<void(ClosureSizes)> done) {
  auto batch = std::make_shared<SizeBatch>();
  batch->pending = std::move(store_paths);
  batch->done = std::move(done);
  asio::post(worker_, [this, batch] { continue_sizes(batch); });
}

void ClosureQueries::continue_sizes(const std::shared_ptr<SizeBatch>& batch) {
  // A few paths per turn, then queue the rest behind whatever else was asked meanwhile: a
  // generations.diff must not wait for the sizes of a thousand generations.
  constexpr std::size_t paths_per_turn = 16;
  for (std::size_t done = 0; done < paths_per_turn && batch->next < batch->pending.size(); ++done) {
    const auto& path = batch->pending[batch->next++];
    auto result = closure_size_of(path);
    if (result.error && result.error->kind == ClosureLookupError::Kind::database) {
      // The same failure for every other path: report it for all without trying each.
      for (const auto& rest : batch->pending) {
        batch->sizes.emplace(rest, result);
      }
      batch->next = batch->pending.size();
      break;
    }
    batch->sizes.emplace(path, std::move(result));
  }
  if (batch->next < batch->pending.size()) {
    asio::post(worker_, [this, batch] { continue_sizes(batch); });
    return;
  }
  asio::post(loop_, [batch] { batch->done(std::move(batch->sizes)); });
}

asio::awaitable<ClosureComparison> ClosureQueries::compare(fs::path from, fs::path to) {
  auto work = [this, from = std::move(from), to = std::move(to)]() -> asio::awaitable<ClosureComparison> {
    ClosureComparison comparison;
    auto before = closure_of(from);
    auto after = closure_of(to);
    if (auto* error = std::get_if<ClosureLookupError>(&before)) comparison.from_error = *error;
    if (auto* error = std::get_if<ClosureLookupError>(&after)) comparison.to_error = *error;
    if (!comparison.from_error && !comparison.to_error) {
      const auto& old_closure = std::get<StoreClosure>(before);
      const auto& new_closure = std::get<StoreClosure>(after);
      comparison.changes = diff_closures(old_closure, new_closure);
      comparison.from_size = old_closure.total_size();
      comparison.to_size = new_closure.total_size();
    }
    co_return comparison;
  };
  // co_spawn keeps `work` alive in the spawned coroutine; its result is dispatched back to the
  // awaiting coroutine's executor (the event loop).
  auto on_worker = asio::co_spawn(worker_.get_executor(), std::move(work), asio::use_awaitable);
  co_return co_await std::move(on_worker);
}

}  // namespace nixtray::agent
