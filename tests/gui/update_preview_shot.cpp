// The Update window (tray/gui/update_preview_dialog) as a person sees it, from a finished update
// job and its package diff (the golden messages jobs.get.result.update.json and
// generations.diff.result.to_path.json), in the language the environment chooses:
//   gui_update_preview OUT.png UI-LOG   (under Xvfb: tests/gui/update_preview.sh runs it)
// Once the dialog has been shown for a moment, its part of the screen is saved with ImageMagick's
// import, and the dialog is answered Discard. The UI log holds what it showed (update-preview).
#include "translations.hpp"
#include "ui_log.hpp"
#include "update_preview_dialog.hpp"
#include "wx_text.hpp"

#include "nixtray/protocol/jobs.hpp"

#include <wx/app.h>
#include <wx/dialog.h>
#include <wx/timer.h>
#include <wx/toplevel.h>
#include <wx/utils.h>

#include <cstdlib>
#include <fstream>
#include <iostream>
#include <sstream>
#include <string>

namespace {

using nixtray::protocol::json;

json golden_result(const std::string& name) {
  std::ifstream in(std::string(NIXTRAY_TEST_DATA_DIR) + "/protocol/" + name);
  if (!in) throw std::runtime_error("missing golden message " + name);
  std::stringstream text;
  text << in.rdbuf();
  return json::parse(text.str()).at("result");
}

}  // namespace

// Outside the unnamed namespace: wxIMPLEMENT_APP's wxGetApp() returns it with external linkage.
class ShotApp : public wxApp {
 public:
  bool OnInit() override {
    if (argc != 3) {
      std::cerr << "usage: gui_update_preview OUT.png UI-LOG\n";
      return false;
    }
    out_ = argv[1].ToStdString();
    log_path_ = argv[2].ToStdString();
    return true;
  }

  int OnRun() override {
    const auto setup = nixtray::gui::setup_translations(NIXTRAY_LOCALE_DIR);
    nixtray::gui::UiLog log(log_path_);
    log.write("started", {{"language", nixtray::gui::from_wx(setup.language)}});
    const auto built = golden_result("jobs.get.result.update.json").get<nixtray::protocol::Job>();
    const auto diff = golden_result("generations.diff.result.to_path.json").get<nixtray::protocol::GenerationsDiff>();
    const auto preview = nixtray::tray::update_preview(built, diff);

    // The timer fires inside the dialog's modal loop: shoot, then answer Discard.
    wxTimer timer;
    timer.Bind(wxEVT_TIMER, [this](wxTimerEvent&) { shoot_and_close(); });
    timer.StartOnce(1500);
    const bool switched = nixtray::gui::ask_update(nullptr, preview, log);
    log.write("answered", {{"switch", switched}, {"shot", shot_ok_}});
    return shot_ok_ && !switched ? 0 : 1;
  }

 private:
  void shoot_and_close() {
    for (auto* window : wxTopLevelWindows) {
      auto* dialog = wxDynamicCast(window, wxDialog);
      if (!dialog || !dialog->IsModal()) continue;
      const auto rect = dialog->GetScreenRect();
      std::ostringstream command;
      command << "import -window root -crop " << rect.width << "x" << rect.height << "+" << rect.x << "+" << rect.y
              << " +repage '" << out_ << "'";
      shot_ok_ = std::system(command.str().c_str()) == 0;
      dialog->EndModal(wxID_CANCEL);
      return;
    }
    std::cerr << "gui_update_preview: no dialog to shoot\n";
  }

  std::string out_;
  std::string log_path_;
  bool shot_ok_ = false;
};

wxIMPLEMENT_APP(ShotApp);
