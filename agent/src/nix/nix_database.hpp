// Nix's own store database ($NIX_STATE_DIR/db/db.sqlite), read directly and never written:
// which paths are registered (ValidPaths), their sizes (narSize), and what they reference (Refs).
// Opened read-only with a busy timeout; Nix keeps the database in WAL mode, where readers and
// the nix-daemon's writes do not block each other. One connection serves one thread at a time.
#pragma once

#include "nix/store_closure.hpp"
#include "nix/store_graph.hpp"

#include <chrono>
#include <cstdint>
#include <filesystem>
#include <optional>
#include <stdexcept>
#include <string>

struct sqlite3;
struct sqlite3_stmt;

namespace nixtray::agent {

// The database is absent, unreadable, not a Nix database, or a query failed; the message names
// the file and says why.
class NixDatabaseError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

class NixDatabase {
 public:
  // Throws NixDatabaseError. Does not create the file when it is missing.
  explicit NixDatabase(std::filesystem::path file, std::chrono::milliseconds busy_timeout = std::chrono::seconds(5));
  ~NixDatabase();
  NixDatabase(const NixDatabase&) = delete;
  NixDatabase& operator=(const NixDatabase&) = delete;

  [[nodiscard]] const std::filesystem::path& file() const { return file_; }

  // Whether Nix has registered the store path (a path Nix considers valid).
  [[nodiscard]] bool is_registered(const std::string& store_path);
  // narSize of a registered path; nullopt when not registered.
  [[nodiscard]] std::optional<std::int64_t> nar_size(const std::string& store_path);
  // The closure (the path itself included); nullopt when the path is not registered.
  [[nodiscard]] std::optional<StoreClosure> closure(const std::string& store_path);
  // Sum of narSize over the closure, as `nix path-info -S`; nullopt when not registered.
  [[nodiscard]] std::optional<std::int64_t> closure_size(const std::string& store_path);
  // Every registered path with its references, derivers and derivation outputs, in one read
  // transaction (a consistent picture while Nix keeps writing).
  [[nodiscard]] StoreGraph graph();

 private:
  class Statement;
  [[noreturn]] void fail(const std::string& what) const;
  void close();

  std::filesystem::path file_;
  sqlite3* db_ = nullptr;
  sqlite3_stmt* path_info_ = nullptr;
  sqlite3_stmt* closure_ = nullptr;
  sqlite3_stmt* closure_size_ = nullptr;
};

}  // namespace nixtray::agent
