#include "nix/nix_database.hpp"

#include <sqlite3.h>

#include <system_error>

namespace nixtray::agent {

namespace fs = std::filesystem;

namespace {

// The closure as a recursive query over Refs. UNION (not UNION ALL) drops ids already seen, so
// self-references and cycles end the recursion.
constexpr const char* closure_ids = R"sql(
  WITH RECURSIVE closure(id) AS (
    SELECT id FROM ValidPaths WHERE path = ?1
    UNION
    SELECT Refs.reference FROM Refs JOIN closure ON Refs.referrer = closure.id
  ))sql";

}  // namespace

// One use of a prepared statement: binds the path, steps, and resets the statement afterwards so
// the connection holds no read transaction between queries.
class NixDatabase::Statement {
 public:
  Statement(const NixDatabase& database, sqlite3_stmt* statement, const std::string& path)
      : database_(database), statement_(statement) {
    if (sqlite3_bind_text(statement_, 1, path.data(), static_cast<int>(path.size()), SQLITE_TRANSIENT) != SQLITE_OK) {
      database_.fail("cannot bind a query parameter");
    }
  }
  ~Statement() {
    sqlite3_reset(statement_);
    sqlite3_clear_bindings(statement_);
  }
  Statement(const Statement&) = delete;
  Statement& operator=(const Statement&) = delete;

  // True while rows come; throws on errors (a busy database after the timeout included).
  bool next_row() {
    const int rc = sqlite3_step(statement_);
    if (rc == SQLITE_ROW) return true;
    if (rc == SQLITE_DONE) return false;
    database_.fail("query failed");
  }
  [[nodiscard]] std::int64_t integer(int column) const { return sqlite3_column_int64(statement_, column); }
  [[nodiscard]] bool is_null(int column) const { return sqlite3_column_type(statement_, column) == SQLITE_NULL; }
  [[nodiscard]] std::string text(int column) const {
    const auto* bytes = sqlite3_column_text(statement_, column);
    return bytes ? std::string(reinterpret_cast<const char*>(bytes),
                               static_cast<std::size_t>(sqlite3_column_bytes(statement_, column)))
                 : std::string();
  }

 private:
  const NixDatabase& database_;
  sqlite3_stmt* statement_;
};

NixDatabase::NixDatabase(fs::path file, std::chrono::milliseconds busy_timeout) : file_(std::move(file)) {
  std::error_code ec;
  if (!fs::exists(file_, ec)) {
    throw NixDatabaseError("the Nix database " + file_.string() +
                           " does not exist (is this a Nix system? NIX_STATE_DIR selects another state directory)");
  }
  // Read-only: the agent never writes Nix's database. SQLite may still create the WAL index file
  // (db.sqlite-shm) next to it, as every reader of a WAL database does; Nix removes it later.
  const int rc = sqlite3_open_v2(file_.c_str(), &db_, SQLITE_OPEN_READONLY | SQLITE_OPEN_NOMUTEX, nullptr);
  if (rc != SQLITE_OK) {
    const std::string why = db_ ? sqlite3_errmsg(db_) : sqlite3_errstr(rc);
    sqlite3_close(db_);
    db_ = nullptr;
    throw NixDatabaseError("cannot open the Nix database " + file_.string() + ": " + why);
  }
  sqlite3_busy_timeout(db_, static_cast<int>(busy_timeout.count()));
  const auto prepare = [this](const std::string& sql, sqlite3_stmt** statement) {
    if (sqlite3_prepare_v2(db_, sql.c_str(), static_cast<int>(sql.size()), statement, nullptr) != SQLITE_OK) {
      const std::string why = sqlite3_errmsg(db_);
      close();
      throw NixDatabaseError("cannot read the Nix database " + file_.string() + ": " + why);
    }
  };
  prepare("SELECT narSize FROM ValidPaths WHERE path = ?1", &path_info_);
  prepare(std::string(closure_ids) +
              " SELECT ValidPaths.path, ValidPaths.narSize FROM ValidPaths"
              " JOIN closure ON ValidPaths.id = closure.id",
          &closure_);
  prepare(std::string(closure_ids) +
              " SELECT count(*), coalesce(sum(ValidPaths.narSize), 0) FROM ValidPaths"
              " JOIN closure ON ValidPaths.id = closure.id",
          &closure_size_);
}

NixDatabase::~NixDatabase() { close(); }

void NixDatabase::close() {
  for (auto** statement : {&path_info_, &closure_, &closure_size_}) {
    sqlite3_finalize(*statement);
    *statement = nullptr;
  }
  sqlite3_close(db_);
  db_ = nullptr;
}

void NixDatabase::fail(const std::string& what) const {
  throw NixDatabaseError("cannot read the Nix database " + file_.string() + ": " + what + ": " + sqlite3_errmsg(db_));
}

StoreGraph NixDatabase::graph() {
  // One transaction: the three reads see the same database, whatever Nix writes meanwhile.
  if (sqlite3_exec(db_, "BEGIN", nullptr, nullptr, nullptr) != SQLITE_OK) fail("cannot begin a read");
  struct Rollback {
    sqlite3* db;
    ~Rollback() { sqlite3_exec(db, "ROLLBACK", nullptr, nullptr, nullptr); }
  } end_read{db_};
  const auto each_row = [this](const char* sql, const auto& row) {
    sqlite3_stmt* statement = nullptr;
    if (sqlite3_prepare_v2(db_, sql, -1, &statement, nullptr) != SQLITE_OK) fail("cannot read the store's paths");
    for (;;) {
      const int rc = sqlite3_step(statement);
      if (rc == SQLITE_DONE) break;
      if (rc != SQLITE_ROW) {
        sqlite3_finalize(statement);
        fail("query failed");
      }
      row(statement);
    }
    sqlite3_finalize(statement);
  };
  const auto text = [](sqlite3_stmt* statement, int column) {
    const auto* bytes = sqlite3_column_text(statement, column);
    return bytes ? std::string(reinterpret_cast<const char*>(bytes),
                               static_cast<std::size_t>(sqlite3_column_bytes(statement, column)))
                 : std::string();
  };
  StoreGraph graph;
  each_row("SELECT id, path, deriver FROM ValidPaths", [&](sqlite3_stmt* row) {
    const auto index = graph.add_path(sqlite3_column_int64(row, 0), text(row, 1));
    if (sqlite3_column_type(row, 2) != SQLITE_NULL) graph.set_deriver(index, text(row, 2));
  });
  each_row("SELECT referrer, reference FROM Refs",
           [&](sqlite3_stmt* row) { graph.add_reference(sqlite3_column_int64(row, 0), sqlite3_column_int64(row, 1)); });
  each_row("SELECT drv, path FROM DerivationOutputs",
           [&](sqlite3_stmt* row) { graph.add_output(sqlite3_column_int64(row, 0), text(row, 1)); });
  graph.finish();
  return graph;
}

bool NixDatabase::is_registered(const std::string& store_path) { return nar_size(store_path).has_value(); }

std::optional<std::int64_t> NixDatabase::nar_size(const std::string& store_path) {
  Statement query(*this, path_info_, store_path);
  if (!query.next_row()) {
    return std::nullopt;
  }
  return query.is_null(0) ? 0 : query.integer(0);
}

std::optional<StoreClosure> NixDatabase::closure(const std::string& store_path) {
  Statement query(*this, closure_, store_path);
  StoreClosure closure;
  while (query.next_row()) {
    closure.paths.push_back({query.text(0), query.is_null(1) ? 0 : query.integer(1)});
  }
  if (closure.paths.empty()) {
    return std::nullopt;
  }
  return closure;
}

std::optional<std::int64_t> NixDatabase::closure_size(const std::string& store_path) {
  Statement query(*this, closure_size_, store_path);
  if (!query.next_row() || query.integer(0) == 0) {
    return std::nullopt;
  }
  return query.integer(1);
}

}  // namespace nixtray::agent
