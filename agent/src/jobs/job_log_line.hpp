// What a person sees of one raw line of a job's log. The raw log holds everything the job wrote:
// Nix's `--log-format internal-json` lines (`@nix {...}`), the job runner's markers
// (`@nixtray {...}`) and plain text. The visible text is a pure function of the raw line, so a
// restarted agent that re-reads the file numbers the visible lines exactly as before.
#pragma once

#include <vector>
#include <string>
#include <string_view>

namespace nixtray::agent {

inline constexpr std::string_view nix_line_prefix = "@nix ";
inline constexpr std::string_view marker_line_prefix = "@nixtray ";

// The lines a person sees for one raw line: none for machine-only lines (progress, markers, debug
// chatter), several for a Nix message that spans lines (an evaluation error with its code excerpt).
std::vector<std::string> visible_lines(std::string_view raw_line);

// Removes ANSI escape sequences (colors) and control characters except tab and newline.
std::string strip_terminal_codes(std::string_view text);

}  // namespace nixtray::agent
