# The agent's settings as NixOS options, generated from resources/agent/settings.json: the one list
# of settings that the agent's config loader and `nixtray-agent serve --help` also read. A setting
# added there appears here without an edit.
{
  lib,
  # Extra words for a setting's description, by name (the module says which settings it fills in).
  notes ? { },
}:
let
  schema = builtins.fromJSON (builtins.readFile ../agent/settings.json);

  # Path-like settings are strings, not Nix paths: a Nix path would be copied into the store and
  # the agent would be handed the copy. `rebuild-command` is a "path" that is a bare program name.
  baseTypes = {
    path = lib.types.str;
    string = lib.types.str;
    integer = lib.types.ints.unsigned; # the agent checks the lower bounds
  };

  typeOf =
    setting:
    let
      base =
        baseTypes.${setting.type}
          or (throw "resources/agent/settings.json: setting ${setting.name} has unknown type ${setting.type}");
    in
    if setting.default == null then lib.types.nullOr base else base;

  option =
    setting:
    lib.mkOption {
      type = typeOf setting;
      default = setting.default;
      description = setting.description + (if notes ? ${setting.name} then " ${notes.${setting.name}}" else "");
    };

  byName = f: builtins.listToAttrs (map (setting: { inherit (setting) name; value = f setting; }) schema.settings);
in
{
  names = map (setting: setting.name) schema.settings;
  defaults = byName (setting: setting.default);
  options = byName option;

  # What /etc/nixtray/agent.json holds: the values that are set. A null leaves the setting to the
  # agent's own default (the same default settings.json gives).
  render = settings: lib.filterAttrs (_: value: value != null) settings;
}
