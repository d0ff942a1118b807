#include "nixtray/protocol/default_user.hpp"

namespace nixtray::protocol {

void to_json(json& j, const DefaultUser& u) {
  j = json{{"name", u.name},
           {"uid", optional_to_json(u.uid)},
           {"shell", optional_to_json(u.shell)},
           {"session_unit", optional_to_json(u.session_unit)}};
}

void from_json(const json& j, DefaultUser& u) {
  read_required(j, "name", u.name);
  read_optional(j, "uid", u.uid);
  read_optional(j, "shell", u.shell);
  read_optional(j, "session_unit", u.session_unit);
}

}  // namespace nixtray::protocol
