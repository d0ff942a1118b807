// How the status window writes times, sizes and generation marks (translated where words are
// involved).
#pragma once

#include "nixtray/protocol/generations.hpp"
#include "nixtray/protocol/jobs.hpp"

#include <wx/string.h>

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace nixtray::gui {

wxString format_time(std::int64_t unix_seconds);                     // the locale's date and HH:MM, local time
wxString format_duration(std::int64_t seconds);                      // "3 min 12 s"
wxString format_size(std::int64_t bytes);                            // "1.2 GiB" (nixtray/text/byte_size.hpp)
wxString format_size_delta(std::int64_t bytes);                      // "+12.0 MiB", "−3.1 KiB"
wxString format_generation(const std::optional<int>& n);             // "42" or "—"
wxString format_versions(const std::vector<std::string>& versions);  // "6.6.32, 6.6.32-modules"; "ε": no version
wxString format_package_change(const protocol::PackageChange& change);
wxString package_change_kind_text(
    protocol::PackageChangeKind kind);  // "added", translated  // "firefox: 126.0 → 126.0.1, +1.0 MB"
wxString generation_marks(const protocol::Generation& generation, bool host_known_good);
wxString job_state_text(protocol::JobState state);
wxString job_title(const protocol::Job& job);  // "rebuild (switch)"

}  // namespace nixtray::gui
