// The GUI's parts that need no display: the Japanese catalog, the command line, the XDG autostart
// entry, the job log store and the hand-over boxes, and core's update_settings as the Settings page
// uses it. One CTest test (label gui); the Xvfb scenarios are the scripts next to this file.
#include "catch.hpp"

#include "gui_options.hpp"
#include "inbox.hpp"
#include "job_log_lines.hpp"
#include "linux/xdg_autostart.hpp"
#include "translations.hpp"
#include "wx_text.hpp"

#include "core/state/action_error_text.hpp"
#include "core/tray_session.hpp"
#include "nixtray/testing/temp_dir.hpp"

#include <wx/init.h>
#include <wx/translation.h>

#include <cstdlib>
#include <fstream>
#include <sstream>
#include <thread>

using nixtray::gui::JobLogLines;
using nixtray::testing::TempDir;
namespace fs = std::filesystem;

namespace {

// wxBase only: translations and strings need an initialised library, not a display.
struct WxLibrary {
  WxLibrary() : init() {}
  wxInitializer init;
};
WxLibrary& wx_library() {
  static WxLibrary library;
  return library;
}

std::string read_file(const fs::path& file) {
  std::ifstream in(file);
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

nixtray::protocol::LogChunk chunk(std::int64_t from, int count, bool complete = false) {
  nixtray::protocol::LogChunk c;
  c.from = from;
  for (int i = 0; i < count; ++i) c.lines.push_back("line " + std::to_string(from + i));
  c.next = from + count;
  c.complete = complete;
  return c;
}

}  // namespace

TEST_CASE("the Japanese catalog is built and translates the UI's words and core's fixed texts") {
  REQUIRE(wx_library().init.IsOk());
  const fs::path locale = NIXTRAY_LOCALE_DIR;
  REQUIRE(fs::exists(locale / "ja" / "LC_MESSAGES" / "nixtray.mo"));
  wxFileTranslationsLoader::AddCatalogLookupPathPrefix(nixtray::gui::to_wx(locale.string()));
  auto* translations = new wxTranslations;
  wxTranslations::Set(translations);
  translations->SetLanguage("ja");
  REQUIRE(translations->AddCatalog("nixtray", wxLANGUAGE_ENGLISH_US));
  CHECK(nixtray::gui::from_wx(wxGetTranslation("Overview")) == "概要");
  CHECK(nixtray::gui::from_wx(wxGetTranslation("Generations")) == "世代");
  CHECK(nixtray::gui::from_wx(nixtray::gui::core_text("Rebuild failed")) == "リビルドに失敗しました");
  CHECK(nixtray::gui::from_wx(nixtray::gui::core_text("Show log")) == "ログを表示");
  // A sentence core composes at run time is not in the catalog: it stays English, unchanged.
  CHECK(nixtray::gui::from_wx(nixtray::gui::core_text("nginx.service failed")) == "nginx.service failed");
  // What core composes with names in it reads in Japanese through its sentence: an agent's
  // refusal, by its code and data, with the agent's English kept as detail; a confirmation that
  // names the distro.
  const auto busy = nixtray::tray::action_error_sentence(nixtray::tray::classify_rpc_error(
      nixtray::protocol::RpcError(nixtray::protocol::ErrorCode::busy, "job 17 is still running", {{"job", "17"}}),
      "jobs.start"));
  CHECK(nixtray::gui::from_wx(nixtray::gui::sentence_text(busy)) ==
        "ジョブ 17 が実行中です。終わるまで待つか、ジョブタブで取り消してください。（job 17 is still running）");
  const auto question = nixtray::tray::sentence("Shut down %s? This ends every open session in it.", {"NixOS-test"});
  CHECK(nixtray::gui::from_wx(nixtray::gui::sentence_text(question)) ==
        "NixOS-test をシャットダウンしますか？ 中の開いているセッションはすべて終了します。");
  wxTranslations::Set(nullptr);
}

TEST_CASE("the language follows the environment (LANGUAGE, LC_ALL, LANG)") {
  REQUIRE(wx_library().init.IsOk());
  const char* saved = std::getenv("LANGUAGE");
  const std::string saved_value = saved ? saved : "";
  ::setenv("LANGUAGE", "ja", 1);
  const auto setup = nixtray::gui::setup_translations(NIXTRAY_LOCALE_DIR);
  CHECK(nixtray::gui::from_wx(setup.language).rfind("ja", 0) == 0);
  CHECK(nixtray::gui::from_wx(wxGetTranslation("Jobs")) == "ジョブ");
  if (saved)
    ::setenv("LANGUAGE", saved_value.c_str(), 1);
  else
    ::unsetenv("LANGUAGE");
  wxTranslations::Set(nullptr);
}

TEST_CASE("nixtray's command line: connection options as nixtrayctl's, and the GUI's own") {
  TempDir dir("gui-options");
  const auto config = (dir.path() / "settings.json").string();
  SECTION("exec: is an argv split on whitespace, double quotes group") {
    const auto options = nixtray::gui::parse_gui_options(
        {"--config", config, "--agent", "exec:/usr/bin/nixtray-agent bridge --socket \"/tmp/a b.sock\"", "--quit-after",
         "5", "--open-status-window", "jobs", "--ui-log", (dir.path() / "ui.jsonl").string()});
    const auto& endpoint = options.session.link.endpoint;
    REQUIRE(endpoint.kind == nixtray::net::Endpoint::Kind::command);
    CHECK(endpoint.argv == std::vector<std::string>{"/usr/bin/nixtray-agent", "bridge", "--socket", "/tmp/a b.sock"});
    CHECK(options.quit_after_seconds == 5);
    CHECK(options.open_status_window == nixtray::gui::StatusTab::jobs);
    CHECK(options.session.link.reconnect);
    // The override is used, never saved: the session's settings are the file's.
    CHECK(options.session.settings.agent.empty());
    CHECK(options.overrides.size() == 1);
  }
  SECTION("--distro-control command takes the four commands") {
    const auto options = nixtray::gui::parse_gui_options(
        {"--config", config, "--agent", "unix:/tmp/x.sock", "--distro-control", "command", "--start", "/bin/true",
         "--stop", "/bin/true", "--is-running", "/bin/false", "--exec-as-root", "/usr/bin/env"});
    REQUIRE(options.session.control);
    CHECK(options.session.control->has_lifecycle());
    CHECK(options.session.control->describe() == "command");
  }
  SECTION("--open-status-window without a tab opens the overview") {
    const auto options = nixtray::gui::parse_gui_options({"--config", config, "--open-status-window"});
    CHECK(options.open_status_window == nixtray::gui::StatusTab::overview);
  }
  SECTION("mistakes are usage errors") {
    CHECK_THROWS_AS(nixtray::gui::parse_gui_options({"--config", config, "--open-status-window", "nope"}),
                    nixtray::cli::UsageError);
    CHECK_THROWS_AS(nixtray::gui::parse_gui_options({"--config", config, "--agent", "carrier-pigeon:x"}),
                    nixtray::cli::UsageError);
    CHECK_THROWS_AS(nixtray::gui::parse_gui_options({"--config", config, "--start", "/bin/true"}),
                    nixtray::cli::UsageError);
    CHECK_THROWS_AS(nixtray::gui::parse_gui_options({"--config", config, "--quit-after", "0"}),
                    nixtray::cli::UsageError);
  }
}

TEST_CASE("start at login: an XDG autostart entry under XDG_CONFIG_HOME") {
  TempDir dir("gui-autostart");
  nixtray::platform::XdgAutostart autostart(
      {dir.path() / "config", "/opt/nix tray/bin/nixtray", {"--config", "/home/a/s.json"}});
  CHECK(autostart.entry_path() == dir.path() / "config" / "autostart" / "nixtray.desktop");
  CHECK_FALSE(autostart.enabled());
  REQUIRE(autostart.set_enabled(true).ok);
  CHECK(autostart.enabled());
  const auto text = read_file(autostart.entry_path());
  CHECK(text.find("[Desktop Entry]\n") == 0);
  CHECK(text.find("\nExec=\"/opt/nix tray/bin/nixtray\" --config /home/a/s.json\n") != std::string::npos);
  CHECK(text.find("\nType=Application\n") != std::string::npos);
  // A person who hid the entry by hand switched it off.
  std::ofstream(autostart.entry_path(), std::ios::app) << "Hidden=true\n";
  CHECK_FALSE(autostart.enabled());
  REQUIRE(autostart.set_enabled(false).ok);
  CHECK_FALSE(fs::exists(autostart.entry_path()));

  SECTION("the default location honours XDG_CONFIG_HOME, and ignores a relative one") {
    const char* saved = std::getenv("XDG_CONFIG_HOME");
    const std::string saved_value = saved ? saved : "";
    ::setenv("XDG_CONFIG_HOME", (dir.path() / "xdg").c_str(), 1);
    CHECK(nixtray::platform::XdgAutostart::default_config_home() == dir.path() / "xdg");
    ::setenv("XDG_CONFIG_HOME", "relative/dir", 1);
    CHECK(nixtray::platform::XdgAutostart::default_config_home() == fs::path(std::getenv("HOME")) / ".config");
    if (saved)
      ::setenv("XDG_CONFIG_HOME", saved_value.c_str(), 1);
    else
      ::unsetenv("XDG_CONFIG_HOME");
  }
  SECTION("Exec quoting follows the Desktop Entry spec") {
    CHECK(nixtray::platform::desktop_exec_quote("plain") == "plain");
    CHECK(nixtray::platform::desktop_exec_quote("a b") == "\"a b\"");
    CHECK(nixtray::platform::desktop_exec_quote("100%") == "100%%");
    CHECK(nixtray::platform::desktop_exec_quote("$HOME") == "\"\\\\$HOME\"");
  }
}

TEST_CASE("the job log store places chunks by index: overlaps skipped, gaps reported") {
  JobLogLines lines;
  lines.reset("7");
  CHECK(lines.add(chunk(0, 3)).lines == 3);
  auto overlap = lines.add(chunk(1, 4));  // events raced the history
  CHECK(overlap.lines == 2);
  CHECK_FALSE(overlap.gap);
  CHECK(lines.size() == 5);
  CHECK(lines.line(4) == "line 4");
  auto gap = lines.add(chunk(8, 2));
  CHECK(gap.gap == 5);
  CHECK(gap.lines == 0);
  CHECK(lines.add(chunk(5, 5, true)).lines == 5);
  CHECK(lines.complete());
  CHECK(lines.line(9) == "line 9");
  CHECK(lines.line(10).empty());
}

TEST_CASE("a million log lines are stored compactly and read back") {
  JobLogLines lines;
  lines.reset("big");
  constexpr int total = 1'000'000;
  for (int from = 0; from < total; from += 10'000) {
    lines.add(chunk(from, 10'000));
  }
  REQUIRE(lines.size() == total);
  CHECK(lines.line(0) == "line 0");
  CHECK(lines.line(654'321) == "line 654321");
  CHECK(lines.line(total - 1) == "line 999999");
}

TEST_CASE("the hand-over boxes wake the GUI once per burst") {
  nixtray::gui::Inbox<int> inbox;
  CHECK(inbox.push(1));
  CHECK_FALSE(inbox.push(2));
  CHECK(inbox.take_all() == std::vector<int>{1, 2});
  CHECK(inbox.push(3));

  nixtray::gui::LatestValue<int> latest;
  CHECK(latest.put(1));
  CHECK_FALSE(latest.put(2));
  CHECK(latest.take() == 2);
  CHECK_FALSE(latest.take());

  // From another thread, as the io thread does.
  nixtray::gui::Inbox<int> shared;
  int wakes = 0;
  std::thread producer([&] {
    for (int i = 0; i < 1000; ++i) wakes += shared.push(i) ? 1 : 0;
  });
  producer.join();
  CHECK(wakes == 1);
  CHECK(shared.take_all().size() == 1000);
}

TEST_CASE("update_settings keeps what the host remembers and saves the edit") {
  TempDir dir("gui-settings");
  nixtray::tray::SettingsFile file(dir.path() / "settings.json");
  nixtray::tray::TraySettings saved;
  saved.record().known_good = 41;
  saved.record().last_job_seen = "9";
  file.save(saved);

  boost::asio::io_context io;
  nixtray::tray::AgentLinkOptions link;
  link.endpoint = nixtray::net::parse_endpoint("unix:" + (dir.path() / "nothing.sock").string());
  link.reconnect = false;
  std::vector<std::string> errors;
  nixtray::tray::TraySessionCallbacks callbacks;
  callbacks.on_error = [&](const nixtray::tray::Sentence& message) { errors.push_back(message.english()); };
  auto session =
      nixtray::tray::TraySession::create(io.get_executor(), file, file.load().settings, link, nullptr, callbacks);
  nixtray::tray::TraySettings edited;  // the Settings page's copy, without the records
  edited.flake = "/etc/nixos#laptop";
  edited.notifications.unit_failed = false;
  session->update_settings(edited);
  session->stop();
  io.run();

  CHECK(errors.empty());
  const auto reread = file.load().settings;
  CHECK(reread.flake == "/etc/nixos#laptop");
  CHECK_FALSE(reread.notifications.unit_failed);
  REQUIRE(reread.find_record());
  CHECK(reread.find_record()->known_good == 41);
  CHECK(reread.find_record()->last_job_seen == "9");
}
