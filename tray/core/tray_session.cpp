#include "core/tray_session.hpp"

#include "core/link/agent_probe.hpp"
#include "core/state/tray_state_reducer.hpp"
#include "core/verify/rescue_command.hpp"

namespace nixtray::tray {

namespace asio = net::asio;

std::shared_ptr<TraySession> TraySession::create(asio::any_io_executor executor, SessionSetup setup,
                                                 TraySessionCallbacks callbacks) {
  auto link_options = setup.link;
  std::shared_ptr<TraySession> session(new TraySession(executor, std::move(setup), std::move(callbacks)));
  // Only a transport that would boot the distro, with a control that can tell whether it runs,
  // has to wait for it.
  link_options.connect_starts_distro =
      link_options.connect_starts_distro && session->control_ && session->control_->has_lifecycle();
  std::weak_ptr<TraySession> weak = session;  // the link must not keep the session alive
  session->link_ = AgentLink::create(
      executor, std::move(link_options),
      [weak](TrayEvent event) {
        if (auto self = weak.lock()) self->apply(std::move(event));
      },
      session->control_);
  session->actions_ = AgentActions(session->link_);
  return session;
}

std::shared_ptr<TraySession> TraySession::create(asio::any_io_executor executor, SettingsFile settings_file,
                                                 TraySettings settings, AgentLinkOptions link_options,
                                                 std::shared_ptr<DistroControl> control,
                                                 TraySessionCallbacks callbacks) {
  SessionSetup setup;
  setup.settings_file = std::move(settings_file);
  setup.distro = settings.distro;
  setup.profile_dir = settings.verify.profile_dir.value_or(default_distro_profile_dir);
  setup.settings = std::move(settings);
  setup.link = std::move(link_options);
  setup.control = std::move(control);
  return create(std::move(executor), std::move(setup), std::move(callbacks));
}

TraySession::TraySession(asio::any_io_executor executor, SessionSetup setup, TraySessionCallbacks callbacks)
    : executor_(std::move(executor)),
      settings_file_(std::move(setup.settings_file)),
      settings_(std::move(setup.settings)),
      distro_(std::move(setup.distro)),
      profile_dir_(std::move(setup.profile_dir)),
      flags_(std::move(setup.flags)),
      use_(std::move(setup.use)),
      control_(std::move(setup.control)),
      callbacks_(std::move(callbacks)),
      actions_(nullptr),
      rules_(settings_.notifications, record() ? record()->last_job_seen : std::nullopt, distro_,
             record() ? record()->unverified_notified : std::nullopt) {}

TraySession::~TraySession() { link_->stop(); }

void TraySession::start() { link_->start(); }

void TraySession::stop() {
  stopped_ = true;
  link_->stop();
  if (update_timer_) update_timer_->cancel();
}

const DistroRecord* TraySession::record() const {
  const auto found = settings_.distros.find(distro_);
  return found == settings_.distros.end() ? nullptr : &found->second;
}

std::optional<WslDistroControlOptions> TraySession::wsl_options() const { return wsl_options_of(control_.get()); }

AgentConnectionOptions TraySession::connection_options() const {
  const auto& link = link_->options();
  AgentConnectionOptions options;
  options.endpoint = link.endpoint;
  options.token_file = link.token_file;
  options.client = link.client;
  options.connect_timeout = std::min(link.connect_timeout, std::chrono::milliseconds(10'000));
  options.call_timeout = std::max(link.call_timeout, std::chrono::milliseconds(30'000));
  return options;
}

MenuContext TraySession::menu_context() const {
  MenuContext context;
  context.distro_name = distro_;
  context.has_lifecycle = control_ && control_->has_lifecycle();
  context.can_shut_down_all = context.has_lifecycle && control_->can_shut_down_all();
  context.flake = settings_.flake;
  context.review_rebuild = settings_.review_rebuild;
  context.verify_after_rebuild = settings_.auto_verify_after_rebuild && context.has_lifecycle;
  context.start_at_login = settings_.start_at_login;
  context.can_try_on_copy = context.has_lifecycle && wsl_options().has_value();
  if (const auto* remembered = record()) context.host_known_good = remembered->known_good;
  return context;
}

void TraySession::apply(TrayEvent event) {
  if (stopped_) return;
  if (const auto* log = std::get_if<JobLogReceived>(&event)) {
    if (callbacks_.on_job_log) callbacks_.on_job_log(*log);
    return;
  }
  const auto before = state_;
  state_ = TrayStateReducer::reduce(state_, event);
  auto decision = rules_.observe(before, state_, event);
  if (decision.last_job_seen) {
    change_record([&](DistroRecord& r) { r.last_job_seen = *decision.last_job_seen; });
  }
  if (decision.unverified_notified) {
    change_record([&](DistroRecord& r) { r.unverified_notified = *decision.unverified_notified; });
  }
  remember(before);
  if (const auto* update = std::get_if<JobUpdated>(&event)) {
    run_flow_command(flow_.job_updated(update->job, current_generation(state_)));
  }
  if (callbacks_.on_state) callbacks_.on_state(state_);
  for (const auto& notification : decision.notifications) {
    if (callbacks_.on_notification) callbacks_.on_notification(notification);
  }
  consider_update_check();
}

void TraySession::remember(const TrayState& before) {
  // The host keeps the known-good generation: after a bad switch the distro may not answer.
  const auto known_good = known_good_generation(state_);
  if (known_good && known_good != known_good_generation(before)) {
    const auto* remembered = record();
    if (!remembered || remembered->known_good != known_good) {
      change_record([&](DistroRecord& r) { r.known_good = known_good; });
    }
  }
}

void TraySession::change_record(const std::function<void(DistroRecord&)>& change) {
  change(settings_.distros[distro_]);
  // Only this distro's record goes to the file, changed there: what another program (nixtrayctl,
  // a second tray) saved meanwhile stays, and so does anything the command line overrode.
  try {
    settings_file_.update([&](SettingsDocument& document) {
      if (auto* saved = document.find(settings_.target_name())) {
        change(saved->distros[distro_]);
      } else {
        document.put(settings_);
      }
    });
  } catch (const std::exception& e) {
    report_error(sentence("The settings could not be saved: %s", {e.what()}));
  }
}

void TraySession::save_settings() {
  try {
    settings_file_.save(settings_);
  } catch (const std::exception& e) {
    report_error(sentence("The settings could not be saved: %s", {e.what()}));
  }
}

void TraySession::report_error(const Sentence& message) {
  if (callbacks_.on_error) callbacks_.on_error(message);
}

void TraySession::set_start_at_login(bool enabled) {
  settings_.start_at_login = enabled;
  save_settings();
  if (callbacks_.on_state) callbacks_.on_state(state_);
}

void TraySession::set_notification_toggles(NotificationToggles toggles) {
  settings_.notifications = toggles;
  rules_.set_toggles(toggles);
  save_settings();
  consider_update_check();
}

void TraySession::update_settings(const TraySettings& edited) {
  auto name = std::move(settings_.name);
  auto records = std::move(settings_.distros);
  auto unknown = std::move(settings_.unknown_members);
  settings_ = edited;
  settings_.name = std::move(name);
  settings_.distros = std::move(records);
  settings_.unknown_members = std::move(unknown);
  rules_.set_toggles(settings_.notifications);
  save_settings();
  if (callbacks_.on_state) callbacks_.on_state(state_);
  consider_update_check();  // switched on: the first check now
}

AppliedSettings TraySession::apply_settings(const TraySettings& edited) {
  AppliedSettings applied;
  try {
    (void)effective_endpoint(edited);
  } catch (const std::invalid_argument& e) {
    applied.problem = e.what();
    return applied;
  }
  const bool reconnect = !same_connection(settings_, edited) && !overrides_connection(flags_);
  update_settings(edited);
  if (reconnect) {
    try {
      applied.next = make_session_setup(flags_, use_, settings_);
    } catch (const cli::UsageError& e) {
      applied.problem = e.what();
    }
  }
  return applied;
}

asio::awaitable<TrayState> TraySession::probe(std::chrono::milliseconds deadline) {
  return probe_agent(link_->options(), control_, deadline);
}

}  // namespace nixtray::tray
