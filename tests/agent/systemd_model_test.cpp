// What the agent makes of systemd's properties and which changes it would publish: the logic
// under SystemdWatcher, with plain values instead of a bus.
#include "catch.hpp"

#include "systemd/systemd_model.hpp"
#include "systemd/unit_properties.hpp"

using namespace nixtray::agent;
using nixtray::protocol::SystemState;
using nixtray::protocol::UnitActiveState;

namespace {

UnitListEntry listed(const std::string& name, const std::string& active = "active",
                     const std::string& sub = "running") {
  return {name, "Description of " + name, "loaded", active, sub};
}

std::vector<std::string> names_of(const std::vector<nixtray::protocol::Unit>& units) {
  std::vector<std::string> names;
  for (const auto& unit : units) {
    names.push_back(unit.name);
  }
  return names;
}

}  // namespace

TEST_CASE("systemd's words map to protocol values, unknown ones to unknown") {
  CHECK(parse_active_state("failed") == UnitActiveState::failed);
  CHECK(parse_active_state("reloading") == UnitActiveState::reloading);
  CHECK(parse_active_state("refreshing") == UnitActiveState::unknown);
  CHECK(parse_system_state("degraded") == SystemState::degraded);
  CHECK(parse_system_state("initializing") == SystemState::initializing);
  CHECK(parse_system_state("something-new") == SystemState::unknown);
  CHECK_FALSE(seconds_from_usec(0).has_value());
  CHECK(seconds_from_usec(1717240012'345678ULL) == 1717240012);
}

TEST_CASE("properties update only the fields they carry, Result only for services") {
  auto service = unit_from_list_entry(listed("nginx.service"));
  auto mount = unit_from_list_entry(listed("home.mount", "active", "mounted"));

  PropertyMap failed{{"ActiveState", std::string("failed")},
                     {"SubState", std::string("failed")},
                     {"Result", std::string("exit-code")},
                     {"StateChangeTimestamp", std::uint64_t{1717240012'000000ULL}}};
  CHECK(apply_unit_properties(service, failed));
  CHECK(service.active_state == UnitActiveState::failed);
  CHECK(service.result == "exit-code");
  CHECK(service.since == 1717240012);
  CHECK(service.description == "Description of nginx.service");  // not in the properties: kept
  CHECK_FALSE(apply_unit_properties(service, failed));           // nothing new

  CHECK(apply_unit_properties(mount, failed));
  CHECK(mount.result.empty());
}

TEST_CASE("invalid UTF-8 in a description becomes U+FFFD") {
  auto entry = listed("odd.service");
  entry.description = "caf\xe9";
  CHECK(unit_from_list_entry(entry).description == "caf\xef\xbf\xbd");
}

TEST_CASE("a listing replaces the units: new and changed ones are reported, missing ones removed") {
  SystemdModel model;
  CHECK(model.replace_units({listed("a.service"), listed("b.service")}).size() == 2);
  auto first = model.take_unit_changes();
  REQUIRE(first);
  CHECK(names_of(first->changed) == std::vector<std::string>{"a.service", "b.service"});
  CHECK(first->removed.empty());

  const auto fresh = model.replace_units({listed("a.service"), listed("c.service", "failed", "failed")});
  CHECK(fresh == std::vector<std::string>{"c.service"});
  auto second = model.take_unit_changes();
  REQUIRE(second);
  CHECK(names_of(second->changed) == std::vector<std::string>{"c.service"});
  CHECK(second->removed == std::vector<std::string>{"b.service"});
  CHECK_FALSE(model.take_unit_changes());  // nothing since
}

TEST_CASE("only units that really changed are published, once per take") {
  SystemdModel model;
  model.replace_units({listed("a.service"), listed("b.service")});
  (void)model.take_unit_changes();

  CHECK(model.update_unit("a.service", {{"SubState", std::string("running")}}));  // same value
  CHECK_FALSE(model.take_unit_changes());

  model.update_unit("a.service", {{"ActiveState", std::string("deactivating")}});
  model.update_unit("a.service", {{"ActiveState", std::string("failed")}});
  auto changes = model.take_unit_changes();
  REQUIRE(changes);
  REQUIRE(changes->changed.size() == 1);  // a burst is one entry with the latest state
  CHECK(changes->changed[0].active_state == UnitActiveState::failed);

  CHECK_FALSE(model.update_unit("unknown.service", {{"ActiveState", std::string("active")}}));
}

TEST_CASE("a unit removed and back within one take is a change, not a removal") {
  SystemdModel model;
  model.replace_units({listed("job.service")});
  (void)model.take_unit_changes();
  model.remove_unit("job.service");
  model.put_unit(listed("job.service", "activating", "start"));
  auto changes = model.take_unit_changes();
  REQUIRE(changes);
  CHECK(changes->removed.empty());
  CHECK(names_of(changes->changed) == std::vector<std::string>{"job.service"});

  model.remove_unit("job.service");
  changes = model.take_unit_changes();
  REQUIRE(changes);
  CHECK(changes->changed.empty());
  CHECK(changes->removed == std::vector<std::string>{"job.service"});
}

TEST_CASE("units are listed sorted by name, failed_only filters") {
  SystemdModel model;
  model.replace_units({listed("z.service"), listed("b.socket", "failed", "failed"), listed("a.mount")});
  CHECK(names_of(model.units(false)) == std::vector<std::string>{"a.mount", "b.socket", "z.service"});
  CHECK(names_of(model.units(true)) == std::vector<std::string>{"b.socket"});
}

TEST_CASE("a status change is system state, failed units or jobs differing from the last one seen") {
  SystemdModel model;
  CHECK_FALSE(model.take_status_change());  // unknown, nothing: as a fresh agent reports
  model.set_system_state(SystemState::running);
  CHECK(model.take_status_change());
  CHECK_FALSE(model.take_status_change());

  model.replace_units({listed("a.service")});
  CHECK_FALSE(model.take_status_change());  // a healthy unit is not part of the status
  model.update_unit("a.service", {{"ActiveState", std::string("failed")}});
  CHECK(model.take_status_change());
  model.update_unit("a.service", {{"Result", std::string("signal")}});
  CHECK(model.take_status_change());  // the failed unit's fields are part of it

  model.set_jobs(3);
  CHECK(model.take_status_change());
  model.set_offline();
  CHECK(model.system_state() == SystemState::offline);
  CHECK(model.jobs() == 0);
  CHECK(model.take_status_change());
  CHECK(model.failed_units().size() == 1);  // last known, while systemd is away
}

TEST_CASE("a not-found, inactive unit is a stub systemd will drop") {
  auto stub = unit_from_list_entry({"nope.service", "nope.service", "not-found", "inactive", "dead"});
  CHECK(is_transient_stub(stub));
  auto failed = unit_from_list_entry({"gone.service", "", "not-found", "failed", "failed"});
  CHECK_FALSE(is_transient_stub(failed));
}
