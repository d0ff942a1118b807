#!/usr/bin/env python3
"""README.ja.md's commands are README.md's: the Japanese README stays in step with the English one.

Reads the command blocks (fenced ```sh, ```bash or ``` without a language) of both. Fails when
README.ja.md has a command block whose commands are not those of a block of README.md, in README.md's
order, or when its first command block does not start with README.md's first two commands
(scripts/demo, scripts/test). Comments (from an unquoted " #" to the end of a line) are left out of
the comparison, so README.ja.md may translate them; everything else must be the same, character for
character up to runs of spaces. Usage: readme_commands_check.py [SOURCE_DIR]
"""
import pathlib
import re
import sys

FENCE = re.compile(r"^(```+|~~~+)\s*([\w+-]*)\s*$")
COMMAND_LANGUAGES = {"", "sh", "bash"}


class Failure(Exception):
    pass


def command_blocks(path):
    """(line, language, [command lines]) of each fenced block in a command language."""
    blocks, fence, start, language, body = [], None, 0, "", []
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        m = FENCE.match(line.strip())
        if fence is None:
            if m:
                fence, start, language, body = m.group(1), number, m.group(2).lower(), []
        elif m and m.group(1).startswith(fence[0]) and len(m.group(1)) >= len(fence) and not m.group(2):
            if language in COMMAND_LANGUAGES:
                blocks.append((start, language, [c for c in map(command, body) if c]))
            fence = None
        else:
            body.append(line)
    if fence is not None:
        raise Failure(f"{path}:{start}: a code block is never closed")
    return blocks


def command(line):
    """The line without its comment, spaces collapsed: what a shell would run."""
    quote, out = None, []
    for i, ch in enumerate(line):
        if quote:
            quote = None if ch == quote else quote
        elif ch in "'\"":
            quote = ch
        elif ch == "#" and (i == 0 or line[i - 1].isspace()):
            break
        out.append(ch)
    return " ".join("".join(out).split())


def check(root):
    english, japanese = root / "README.md", root / "README.ja.md"
    en_blocks, ja_blocks = command_blocks(english), command_blocks(japanese)
    problems = []
    if not en_blocks or len(en_blocks[0][2]) < 2:
        raise Failure(f"{english}: no first command block with two commands")
    if not ja_blocks:
        return [f"{japanese}: no command block; it needs README.md's first one ({en_blocks[0][2][:2]})"]
    first_two = en_blocks[0][2][:2]
    if ja_blocks[0][2][:2] != first_two:
        problems.append(f"{japanese}:{ja_blocks[0][0]}: the first command block starts with {ja_blocks[0][2][:2]}, "
                        f"README.md's with {first_two}")
    next_en = 0
    for line, _, commands in ja_blocks:
        found = [i for i, (_, _, en) in enumerate(en_blocks) if en == commands]
        after = [i for i in found if i >= next_en]
        if after:
            next_en = after[0] + 1
        elif found:
            problems.append(f"{japanese}:{line}: this block is README.md's block at line {en_blocks[found[0]][0]}, "
                            f"but out of README.md's order")
        else:
            near = max(en_blocks, key=lambda b: len(set(b[2]) & set(commands)))
            problems.append(f"{japanese}:{line}: no command block of README.md has these commands:\n  "
                            + "\n  ".join(commands)
                            + f"\nthe closest is README.md:{near[0]}:\n  " + "\n  ".join(near[2]))
    return problems


def main():
    root = pathlib.Path(sys.argv[1] if len(sys.argv) > 1 else pathlib.Path(__file__).resolve().parents[2])
    try:
        problems = check(root)
    except (Failure, OSError, UnicodeDecodeError) as e:
        print(f"readme_commands_check: {e}", file=sys.stderr)
        return 2
    for problem in problems:
        print(problem, file=sys.stderr)
    if problems:
        print("readme_commands_check: README.ja.md's commands are not README.md's", file=sys.stderr)
        return 1
    print(f"readme_commands_check: README.ja.md's {len(command_blocks(root / 'README.ja.md'))} command blocks "
          "are README.md's")
    return 0


if __name__ == "__main__":
    sys.exit(main())
