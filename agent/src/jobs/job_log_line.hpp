// What a person sees of one raw line of a job's log. The raw log holds everything the job wrote:
// Nix's `--log-format internal-json` lines (`@nix {...}`), the job runner's markers
// (`@nixtray {...}`) and plain text. The visible text is a pure function of the raw line, so a
// restarted agent that re-reads the file numbers the visible lines exactly as before.
#pragma once

#include <nlohmann/json_fwd.hpp>
#include <vector>

#include <cstdint>
#include <string>
#include <string_view>

namespace nixtray::agent {

inline constexpr std::string_view nix_line_prefix = "@nix ";
inline constexpr std::string_view marker_line_prefix = "@nixtray ";

// The lines a person sees for one raw line: none for machine-only lines (progress, markers, debug
// chatter), several for a Nix message that spans lines (an evaluation error with its code excerpt).
std::vector<std::string> visible_lines(std::string_view raw_line);
// The same without the flat scanner's fast path: every Nix line parsed with nlohmann::json.
std::vector<std::string> visible_lines_full_parse(std::string_view raw_line);
// True for a Nix line that carries only progress (never visible), known without parsing it.
bool is_progress_only(std::string_view raw_line);
// The same for a Nix line already parsed (the `{...}` after "@nix "), so a reader parses it once.
std::vector<std::string> visible_lines_of_nix_event(const nlohmann::json& event);

struct FlatNixEvent;
// The same for an event the flat scanner read (flat_nix_event.hpp).
std::vector<std::string> visible_lines_of_flat_nix_event(const FlatNixEvent& event);

// Removes ANSI escape sequences (colors) and control characters except tab and newline.
std::string strip_terminal_codes(std::string_view text);

// A whole number of a Nix event, or `fallback` when the value is absent, of another type or out
// of range. nlohmann's value()/get<int>() convert a float such as 1e300 with a plain cast, which is
// undefined behaviour; Nix never writes one, but a log file can hold anything.
int whole_number_or(const nlohmann::json& value, int fallback);
std::uint64_t whole_number_or(const nlohmann::json& value, std::uint64_t fallback);
int member_whole_number_or(const nlohmann::json& object, const char* key, int fallback);
std::uint64_t member_whole_number_or(const nlohmann::json& object, const char* key, std::uint64_t fallback);

}  // namespace nixtray::agent
