#include "process_memory.hpp"

#include <algorithm>
#include <chrono>
#include <cstdlib>
#include <fstream>
#include <stdexcept>

namespace nixtray::testing {

long status_kib(pid_t pid, const std::string& field) {
  std::ifstream in("/proc/" + std::to_string(pid) + "/status");
  std::string line;
  while (std::getline(in, line)) {
    if (line.starts_with(field + ":")) return std::stol(line.substr(field.size() + 1));
  }
  throw std::runtime_error("no " + field + " in /proc/" + std::to_string(pid) + "/status");
}

std::string asan_options_with_quarantine(int mib) {
  const char* asan = std::getenv("ASAN_OPTIONS");
  return std::string(asan ? asan : "") + ":quarantine_size_mb=" + std::to_string(mib);
}

RssSampler::RssSampler(pid_t pid)
    : thread_([this, pid] {
        while (!stop_) {
          std::ifstream in("/proc/" + std::to_string(pid) + "/status");
          std::string line;
          while (std::getline(in, line)) {
            if (line.starts_with("VmRSS:")) {
              peak_ = std::max(peak_.load(), std::stol(line.substr(6)));
              ++samples_;
            }
          }
          std::this_thread::sleep_for(std::chrono::milliseconds(10));
        }
      }) {}

RssSampler::~RssSampler() { stop(); }

void RssSampler::stop() {
  stop_ = true;
  if (thread_.joinable()) thread_.join();
}

}  // namespace nixtray::testing
