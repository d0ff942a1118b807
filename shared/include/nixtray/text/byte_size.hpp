// Byte counts for people, the one way every program of nixtray writes them (agent CLI, job logs,
// nixtrayctl, the tray's windows): IEC binary units with one decimal, "812 B", "1.2 KiB",
// "4.1 GiB". Independent of the locale (a '.' always), so text is the same everywhere.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

namespace nixtray::text {

// "0 B", "812 B", "1.0 KiB", "1023.9 KiB", "1.0 MiB", ... up to EiB. A negative count keeps its
// sign: "-1.2 KiB".
std::string format_bytes(std::int64_t bytes);

// A difference: "+1.2 KiB", "<minus>3.1 MiB", "0 B". The minus sign is "-" unless given (a GUI
// may prefer U+2212).
std::string format_bytes_delta(std::int64_t bytes, std::string_view minus = "-");

}  // namespace nixtray::text
