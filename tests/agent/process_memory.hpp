// The memory of a real process, read from /proc/PID/status: for tests that bound what clients can
// make the agent hold (RSS, not a model of it).
#pragma once

#include <sys/types.h>

#include <atomic>
#include <string>
#include <thread>

namespace nixtray::testing {

// A line of /proc/PID/status in KiB ("VmRSS", "VmHWM"); throws when it is missing.
long status_kib(pid_t pid, const std::string& field);

// ASAN_OPTIONS for an agent under test whose memory is measured: ASan keeps freed memory in a
// quarantine (256 MiB by default), which would count as resident; limited to `mib`, RSS means
// something. Keeps what this process's ASAN_OPTIONS already say.
std::string asan_options_with_quarantine(int mib);

// Samples a process's VmRSS every few milliseconds on its own thread until stopped or destroyed.
class RssSampler {
 public:
  explicit RssSampler(pid_t pid);
  ~RssSampler();
  RssSampler(const RssSampler&) = delete;
  RssSampler& operator=(const RssSampler&) = delete;
  void stop();
  [[nodiscard]] long peak_kib() const { return peak_; }
  [[nodiscard]] long samples() const { return samples_; }

 private:
  std::atomic<bool> stop_{false};
  std::atomic<long> peak_{0};
  std::atomic<long> samples_{0};
  std::thread thread_;
};

}  // namespace nixtray::testing
