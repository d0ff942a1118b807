#include "nixtray/protocol/dry_activation.hpp"

namespace nixtray::protocol {

void to_json(json& j, const DryActivation& d) {
  j = json{{"stop", d.stop},   {"not_stopped", d.not_stopped},         {"reload", d.reload}, {"restart", d.restart},
           {"start", d.start}, {"restart_systemd", d.restart_systemd}, {"other", d.other}};
}

void from_json(const json& j, DryActivation& d) {
  read_required(j, "stop", d.stop);
  read_required(j, "not_stopped", d.not_stopped);
  read_required(j, "reload", d.reload);
  read_required(j, "restart", d.restart);
  read_required(j, "start", d.start);
  read_required(j, "restart_systemd", d.restart_systemd);
  read_required(j, "other", d.other);
}

}  // namespace nixtray::protocol
