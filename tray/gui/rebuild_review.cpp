#include "rebuild_review.hpp"

#include "display_format.hpp"
#include "wx_text.hpp"

#include <wx/msgdlg.h>

namespace nixtray::gui {

namespace {

wxString review_diff_lines(const protocol::GenerationsDiff& diff) {
  constexpr std::size_t changes_shown = 8;
  const auto summary = tray::summarize(diff, changes_shown);
  if (diff.changes.empty()) {
    return wxString::Format(_("No package changes compared with generation %d."), diff.from);
  }
  wxString text = wxString::Format(_("Compared with generation %d: %d changed, %d added, %d removed, %d resized."),
                                   diff.from, summary.changed, summary.added, summary.removed, summary.resized);
  text += "\n" + wxString::Format(_("Closure size: %s → %s (%s)"), format_size(summary.from_closure_size),
                                  format_size(summary.to_closure_size),
                                  format_size_delta(summary.to_closure_size - summary.from_closure_size));
  for (const auto& change : summary.shown) text += "\n  " + format_package_change(change);
  if (summary.not_shown > 0) {
    text += "\n  " + wxString::Format(_("… and %lu more"), static_cast<unsigned long>(summary.not_shown));
  }
  return text;
}

}  // namespace

bool ask_rebuild_review(wxWindow* parent, const tray::RebuildFlow& flow) {
  wxString text = core_text(flow.question());
  if (flow.diff()) text += "\n\n" + review_diff_lines(*flow.diff());
  if (!flow.diff_note().empty()) text += "\n\n" + core_text(flow.diff_note());
  wxMessageDialog dialog(parent, text, _("Rebuild"), wxYES_NO | wxICON_QUESTION);
  dialog.SetYesNoLabels(_("Activate"), _("Don't activate"));
  return dialog.ShowModal() == wxID_YES;
}

}  // namespace nixtray::gui
