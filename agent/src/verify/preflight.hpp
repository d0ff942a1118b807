// verify.preflight: whether a generation looks bootable, checked without restarting anything.
// Each check says what it found in a sentence a person can act on. The verdict: refuse when a
// check failed (booting it would leave the distro without a working init, systemd or login),
// warn when one warned or could not be made, pass otherwise. Store paths are checked against
// Nix's database and the disk, never re-hashed (that takes minutes on a real system).
#pragma once

#include "nix/nix_store_location.hpp"
#include "nixtray/net/asio.hpp"
#include "nixtray/protocol/verify.hpp"

#include <boost/asio/thread_pool.hpp>

#include <filesystem>

namespace nixtray::agent {

struct PreflightInput {
  int number = 0;
  std::filesystem::path link;  // <profile dir>/system-<number>-link
  NixStoreLocation store;
  // Where the default user is looked up when the generation has no etc/passwd (NixOS creates
  // /etc/passwd at activation): the running system's.
  std::filesystem::path live_passwd = "/etc/passwd";
};

// Blocking: reads the generation's files and Nix's database.
protocol::PreflightResult run_preflight(const PreflightInput& input);

// The verdict the checks add up to.
protocol::PreflightVerdict verdict_of(const std::vector<protocol::PreflightCheck>& checks);

// Runs pre-flights on a worker thread, so that reading a big closure never stalls the agent's
// event loop; the caller resumes on its own executor.
class PreflightRunner {
 public:
  PreflightRunner() = default;
  ~PreflightRunner();
  PreflightRunner(const PreflightRunner&) = delete;
  PreflightRunner& operator=(const PreflightRunner&) = delete;

  net::asio::awaitable<protocol::PreflightResult> check(PreflightInput input);

 private:
  net::asio::thread_pool worker_{1};
};

}  // namespace nixtray::agent
