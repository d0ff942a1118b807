#include "jobs/activation_gate.hpp"

#include "support/atomic_file.hpp"

#include <stdexcept>

namespace nixtray::agent {

namespace {

constexpr const char* activate_text = "activate\n";
constexpr const char* cancel_text = "cancel\n";

}  // namespace

GateClaim claim_activation_gate(const JobFiles& files, GateClaim claim) {
  const auto gate = files.activation_gate();
  if (create_file_exclusively(gate, claim == GateClaim::activate ? activate_text : cancel_text)) {
    return claim;
  }
  // Created complete (create_file_exclusively links a finished file): what it says holds.
  const auto text = read_small_file(gate, 64);
  if (text == activate_text) return GateClaim::activate;
  if (text == cancel_text) return GateClaim::cancel;
  throw std::runtime_error("cannot read the job's activation gate " + gate.string());
}

}  // namespace nixtray::agent
