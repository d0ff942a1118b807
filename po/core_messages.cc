// Not compiled: the fixed English texts tray/core produces that the GUI shows (menu labels,
// headlines, job words), marked for xgettext. The GUI translates core's text by looking the exact
// string up (gui/wx_text.hpp core_text), so a text core changes must be changed here too; a
// sentence core composes at run time (with a unit name, a number) stays English.
#define N_(text) text

const char* const core_messages[] = {
    // menu_model.cpp
    N_("Rebuild"), N_("Builds first, shows what changes, then asks"), N_("Switch (activate now)"),
    N_("Boot (use at the next start)"), N_("Test (activate until the next start)"), N_("Roll back"), N_("Roll back from outside"),
    N_("No generations"), N_("Not connected"), N_("Show log"), N_("Dismiss"), N_("Reconnect now"),
    N_("Start distro"), N_("Shut down distro"), N_("Shut down WSL (every distro)…"), N_("Shut down WSL"), N_("Shut down"), N_("Verify boot…"), N_("Verify boot"),
    N_("Restart and verify"), N_("Open terminal"), N_("Status window"), N_("Settings…"), N_("Start at login"),
    N_("Quit"), N_("Flake: the agent's default"), N_("Rebuild, restart and verify…"), N_("Rebuild and verify"),
    N_("Switch (activate now) — without boot verification"), N_("Boot (use at the next start) — without boot verification"),
    N_("Disk space…"),
    // notification_rules.cpp
    N_("Show status"), N_("Verify now"), N_("Rebuild failed"), N_("Rollback failed"), N_("Garbage collection failed"),
    N_("Rebuild interrupted"), N_("Rollback interrupted"), N_("See the job log."),
    N_("The distro stopped while the job ran."),
    // space_notice.cpp (the bodies carry sizes and stay English)
    N_("Low disk space"), N_("Show disk space"), N_("Rebuild refused: low disk space"),
    // state_text.cpp
    N_("rebuild"), N_("rollback"), N_("garbage collection"), N_("job"), N_("Rebuilding"), N_("Rolling back"),
    N_("Collecting garbage"), N_("Working"), N_("preparing"), N_("building"), N_("checking the result"),
    N_("registering the generation"), N_("activating"), N_("restoring the previous generation"),
    N_("deleting generations"), N_("collecting garbage"), N_("done"), N_("working"), N_("switch"), N_("boot"),
    N_("test"), N_("build"), N_("dry-build"), N_("the distro does not exist"),
    N_("no nixtray agent answers in the distro"), N_("the agent refused the connection"),
    N_("this user may not open the agent's socket"), N_("the agent speaks another protocol version"),
    N_("the agent rejected the token"), N_("the agent's identity could not be proven"),
    N_("the token file cannot be read"), N_("the agent did not answer in time"),
    N_("the connection could not be opened"), N_("the connection to the agent was lost"),
    N_("the agent cannot be reached"),
    // tray_state.cpp (details)
    N_("Everything runs."), N_("The distro is not running."), N_("The distro was shut down."),
    N_("Shutting the distro down..."), N_("Starting the distro..."), N_("Waiting for the agent's status..."),
    N_("The agent does not know systemd's state yet."), N_("systemd is starting units..."),
    N_("The agent runs but cannot reach systemd."), N_("NixOS \xE2\x80\x94 connecting to the agent"),
    // the rebuild flow's question (rebuild_flow.cpp; its notes name the reason and stay English)
    N_("The new configuration is built. Activate it now (switch)?"),
    N_("The new configuration is built. Make it the generation the distro boots next (boot)?"),
    N_("The new configuration is built. Activate it until the next start, without making it the default (test)?"),
    N_("The new configuration is built. Continue?"),
};
