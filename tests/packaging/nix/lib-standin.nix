# A stand-in for the few nixpkgs `lib` functions that flake.nix and resources/nixos/*.nix use, so
# they can be evaluated here, where there is no nixpkgs. Options and types become plain data the
# tests look at; unlike the real module system, nothing here merges definitions or checks values.
let
  type = name: extra: { _type = "option-type-standin"; inherit name; } // extra;

  lib = {
    mkOption = attrs: attrs // { _type = "option"; };
    mkEnableOption =
      what:
      lib.mkOption {
        type = lib.types.bool;
        default = false;
        description = "Whether to enable ${what}.";
      };
    mkIf = condition: content: { _type = "if"; inherit condition content; };
    literalExpression = text: { _type = "literalExpression"; inherit text; };

    types = {
      bool = type "bool" { };
      str = type "str" { };
      port = type "port" { };
      package = type "package" { };
      ints.unsigned = type "unsignedInt" { };
      nullOr = elemType: type "nullOr" { inherit elemType; };
      submodule = module: type "submodule" { inherit module; };
    };

    optional = condition: x: if condition then [ x ] else [ ];
    optionals = condition: xs: if condition then xs else [ ];
    optionalAttrs = condition: attrs: if condition then attrs else { };
    optionalString = condition: text: if condition then text else "";
    filterAttrs =
      keep: attrs:
      builtins.listToAttrs (
        builtins.concatMap (
          name:
          if keep name attrs.${name} then
            [
              {
                inherit name;
                value = attrs.${name};
              }
            ]
          else
            [ ]
        ) (builtins.attrNames attrs)
      );
    hasPrefix = prefix: text: builtins.substring 0 (builtins.stringLength prefix) text == prefix;
    removePrefix =
      prefix: text:
      let
        length = builtins.stringLength prefix;
      in
      if lib.hasPrefix prefix text then builtins.substring length (builtins.stringLength text - length) text else text;
    genAttrs =
      names: f:
      builtins.listToAttrs (
        map (name: {
          inherit name;
          value = f name;
        }) names
      );
    cmakeBool = name: value: "-D${name}:BOOL=${if value then "TRUE" else "FALSE"}";
    licenses.mit = {
      spdxId = "MIT";
      free = true;
    };
    platforms.linux = [
      "aarch64-linux"
      "armv7l-linux"
      "i686-linux"
      "riscv64-linux"
      "x86_64-linux"
    ];

    # Like the real fileset functions, refuses paths that do not exist.
    fileset = {
      unions = map (path: if builtins.pathExists path then toString path else throw "fileset: ${toString path} does not exist");
      toSource =
        { root, fileset }:
        {
          _type = "source-standin";
          root = toString root;
          files = fileset;
        };
    };
  };
in
lib
