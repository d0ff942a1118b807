#include "single_instance.hpp"

#include "wx_text.hpp"

#include <wx/filename.h>
#include <wx/ipc.h>
#include <wx/log.h>
#include <wx/snglinst.h>
#include <wx/stdpaths.h>
#include <wx/utils.h>

#include <functional>

namespace nixtray::gui {

namespace {

constexpr const char* topic = "nixtray";

// The lock and the IPC endpoint share a name made from the key (a hash: keys are paths).
wxString instance_name(const std::string& key) {
  return wxString::Format("nixtray-%s-%zx", wxGetUserId(), std::hash<std::string>{}(key));
}

wxString service_name(const wxString& name) {
#if defined(__WXMSW__)
  return name;  // a DDE service name
#else
  // A Unix socket beside the lock file, in a directory only this user writes.
  const wxString runtime = wxGetenv("XDG_RUNTIME_DIR");
  const wxString dir = !runtime.empty() && wxDirExists(runtime) ? runtime : wxGetHomeDir();
  return wxFileName(dir, "." + name + ".ipc").GetFullPath();
#endif
}

class RaiseConnection : public wxConnection {
 public:
  explicit RaiseConnection(std::function<void(const std::string&)> on_raise) : on_raise_(std::move(on_raise)) {}
  bool OnExec(const wxString& /*topic*/, const wxString& command) override {
    wxString tab;
    if (command.StartsWith("raise ", &tab) && on_raise_) {
      wxTheApp->CallAfter([handler = on_raise_, name = from_wx(tab)] { handler(name); });
    }
    return true;
  }

 private:
  std::function<void(const std::string&)> on_raise_;
};

class RaiseServer : public wxServer {
 public:
  explicit RaiseServer(std::function<void(const std::string&)> on_raise) : on_raise_(std::move(on_raise)) {}
  wxConnectionBase* OnAcceptConnection(const wxString& requested) override {
    return requested == topic ? new RaiseConnection(on_raise_) : nullptr;
  }

 private:
  std::function<void(const std::string&)> on_raise_;
};

}  // namespace

SingleInstance::SingleInstance(const std::string& key, const std::string& tab,
                               std::function<void(const std::string&)> on_raise)
    : checker_(std::make_unique<wxSingleInstanceChecker>()) {
  const auto name = instance_name(key);
  const auto service = service_name(name);
  checker_->Create(name);
  if (checker_->IsAnotherRunning()) {
    outcome_ = Outcome::other_running;
    wxLogNull quiet;  // a first instance without a server (it is starting) is not an error here
    wxClient client;
    std::unique_ptr<wxConnectionBase> connection(client.MakeConnection("localhost", service, topic));
    if (connection && connection->Execute("raise " + to_wx(tab))) {
      outcome_ = Outcome::raised_other;
    }
    if (connection) connection->Disconnect();
    return;
  }
#if !defined(__WXMSW__)
  // A socket left by a crashed instance would make Create fail: we hold the lock, so it is stale.
  if (wxFileExists(service)) wxRemoveFile(service);
#endif
  auto server = std::make_unique<RaiseServer>(std::move(on_raise));
  if (server->Create(service)) {
    server_ = std::move(server);
  }
}

// The server removes its socket file when destroyed.
SingleInstance::~SingleInstance() = default;

}  // namespace nixtray::gui
