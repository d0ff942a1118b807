#include "display_format.hpp"

#include "wx_text.hpp"

#include "core/state/state_text.hpp"
#include "core/state/update_check.hpp"

#include "nixtray/text/byte_size.hpp"

#include <wx/arrstr.h>
#include <wx/datetime.h>
#include <wx/intl.h>

namespace nixtray::gui {

wxString format_time(std::int64_t unix_seconds) {
  if (unix_seconds <= 0) return wxString::FromUTF8("\xE2\x80\x94");
  // The user's date format (the locale's %x: "2026/12/07" in Japanese, "12/07/2026" in US
  // English) and a 24-hour clock, in this machine's time zone.
  return wxDateTime(static_cast<time_t>(unix_seconds)).Format("%x %H:%M");
}

wxString format_duration(std::int64_t seconds) {
  if (seconds < 60) return wxString::Format(_("%lld s"), static_cast<long long>(seconds));
  if (seconds < 3600) {
    return wxString::Format(_("%lld min %lld s"), static_cast<long long>(seconds / 60),
                            static_cast<long long>(seconds % 60));
  }
  return wxString::Format(_("%lld h %lld min"), static_cast<long long>(seconds / 3600),
                          static_cast<long long>((seconds % 3600) / 60));
}

wxString format_size(std::int64_t bytes) { return to_wx(text::format_bytes(bytes)); }

wxString format_size_delta(std::int64_t bytes) { return to_wx(text::format_bytes_delta(bytes, "\xE2\x88\x92")); }

wxString format_versions(const std::vector<std::string>& versions) {
  wxString text;
  for (const auto& v : versions)
    text += (text.empty() ? "" : ", ") + (v.empty() ? wxString::FromUTF8("\xCE\xB5") : to_wx(v));
  return text;
}

wxString package_change_kind_text(protocol::PackageChangeKind kind) {
  switch (kind) {
    case protocol::PackageChangeKind::added:
      return _("added");
    case protocol::PackageChangeKind::removed:
      return _("removed");
    case protocol::PackageChangeKind::changed:
      return _("changed");
    case protocol::PackageChangeKind::resized:
      return _("resized");
    case protocol::PackageChangeKind::unknown:
      break;
  }
  return {};
}

wxString format_package_change(const protocol::PackageChange& change) {
  const wxString arrow = wxString::FromUTF8(" \xE2\x86\x92 ");
  wxString text = to_wx(change.name) + ":";
  if (change.kind != protocol::PackageChangeKind::resized) {
    // An empty side stands for "not there", as diff-closures writes it.
    const auto side = [](const std::vector<std::string>& versions) {
      return versions.empty() ? wxString::FromUTF8("\xE2\x88\x85") : format_versions(versions);
    };
    text += " " + side(change.from_versions) + arrow + side(change.to_versions);
  }
  if (change.size_delta != 0) text += (text.EndsWith(":") ? " " : ", ") + format_size_delta(change.size_delta);
  return text;
}

wxString format_generation(const std::optional<int>& n) {
  return n ? wxString::Format("%d", *n) : wxString::FromUTF8("\xE2\x80\x94");
}

wxString generation_marks(const protocol::Generation& generation, bool host_known_good) {
  wxArrayString marks;
  if (generation.is_default) marks.Add(_("boots next"));
  if (generation.current) marks.Add(_("current"));
  if (generation.booted) marks.Add(_("booted"));
  if (generation.known_good || host_known_good) marks.Add(wxString::FromUTF8("\xE2\x9C\x93 ") + _("known good"));
  if (generation.problem) marks.Add(_("unusable: ") + to_wx(*generation.problem));
  wxString joined;
  for (const auto& mark : marks) {
    if (!joined.empty()) joined += ", ";
    joined += mark;
  }
  return joined;
}

wxString job_state_text(protocol::JobState state) {
  switch (state) {
    case protocol::JobState::running:
      return _("running");
    case protocol::JobState::succeeded:
      return _("succeeded");
    case protocol::JobState::failed:
      return _("failed");
    case protocol::JobState::cancelled:
      return _("cancelled");
    case protocol::JobState::interrupted:
      return _("interrupted");
    case protocol::JobState::unknown:
      break;
  }
  return _("unknown");
}

wxString job_title(const protocol::Job& job) {
  auto title = core_text(tray::job_noun(job));
  if (tray::is_update_check(job)) return title;
  if (job.args.mode && *job.args.mode != protocol::RebuildMode::unknown) {
    title += " (" + core_text(tray::rebuild_mode_text(*job.args.mode)) + ")";
  }
  if (job.kind == protocol::JobKind::rollback && job.args.to) {
    title += wxString::Format(_(" to generation %d"), *job.args.to);
  }
  return title;
}

}  // namespace nixtray::gui
