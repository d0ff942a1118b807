#!/usr/bin/env python3
"""The catalogue uses the glossary's names: docs/glossary.md against po/nixtray.pot and po/ja.po.

Fails when an English msgid contains a word of a term's "avoid (en)" column, or a Japanese msgstr
one of its "avoid (ja)" column. An avoided word marked "(in context)" counts only in a message
whose English contains one of the term's English names. Usage: glossary_check.py [SOURCE_DIR]
"""
import pathlib
import re
import sys

TERM_HEADERS = ["term (en)", "term (ja)", "what it means", "where it appears", "avoid (en)", "avoid (ja)"]
AVOID_ITEM = re.compile(r"`([^`]+)`(\s*\*?\(in context\)\*?)?")


class Failure(Exception):
    pass


def cells(line):
    return [cell.strip() for cell in line.strip().strip("|").split("|")]


def names(cell):
    """The names of a term cell: "known-good / known good", without "†" or "(rebuild modes)"."""
    cell = re.sub(r"\([^)]*\)", "", cell.replace("†", ""))
    return [name.strip() for name in cell.split(" / ") if name.strip()]


def avoided(cell, where):
    if cell in ("—", "-", ""):
        return []
    items = [(m.group(1), bool(m.group(2))) for m in AVOID_ITEM.finditer(cell)]
    if not items:
        raise Failure(f"{where}: the avoid cell {cell!r} has no `word` in backticks (or — for none)")
    return items


def read_glossary(path):
    lines = path.read_text(encoding="utf-8").splitlines()
    for start, line in enumerate(lines):
        if line.startswith("|") and [c.lower() for c in cells(line)] == TERM_HEADERS:
            break
    else:
        raise Failure(f"{path}: no table with the columns {' | '.join(TERM_HEADERS)}")
    terms = []
    for number, line in enumerate(lines[start + 2 :], start + 3):
        if not line.startswith("|"):
            break
        row = cells(line)
        where = f"{path}:{number}"
        if len(row) != len(TERM_HEADERS):
            raise Failure(f"{where}: {len(row)} cells, the table has {len(TERM_HEADERS)}")
        en, ja = names(row[0]), names(row[1])
        if not en or not ja:
            raise Failure(f"{where}: a term needs an English and a Japanese name")
        term = {"en": en, "ja": ja, "line": where, "avoid_en": avoided(row[4], where), "avoid_ja": avoided(row[5], where)}
        for word, _ in term["avoid_en"] + term["avoid_ja"]:
            if word.casefold() in (name.casefold() for name in en + ja):
                raise Failure(f"{where}: {word!r} is both the term's name and avoided")
        terms.append(term)
    if len(terms) < 10:
        raise Failure(f"{path}: only {len(terms)} terms read from the table; is it cut short?")
    return terms


def unquote(text):
    return re.sub(r'\\(.)', lambda m: {"n": "\n", "t": "\t"}.get(m.group(1), m.group(1)), text)


def read_catalogue(path):
    """(line, English (msgid, and msgid_plural after a newline), [msgstr...]) of each live entry;
    obsolete (#~) entries and the header are left out."""
    entries, entry, field = [], None, None

    def finish():
        if entry and entry["msgid"]:
            english = entry["msgid"] + ("\n" + entry["plural"] if entry["plural"] else "")
            entries.append((entry["line"], english, entry["msgstr"]))

    for number, raw in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        m = re.match(r'^(msgctxt|msgid|msgid_plural|msgstr(?:\[\d+\])?)\s+"(.*)"$', line)
        if m:
            keyword, text = m.group(1), unquote(m.group(2))
            if keyword in ("msgctxt", "msgid") and (field is None or field.startswith("msgstr")):
                finish()
                entry = {"line": number, "msgid": "", "plural": "", "msgstr": []}
            if entry is None:
                raise Failure(f"{path}:{number}: {keyword} before any msgid")
            if keyword == "msgid":
                entry["msgid"] = text
            elif keyword == "msgid_plural":
                entry["plural"] = text
            elif keyword.startswith("msgstr"):
                entry["msgstr"].append(text)
            field = keyword
        elif line.startswith('"') and line.endswith('"') and entry is not None and field:
            text = unquote(line[1:-1])
            if field == "msgid":
                entry["msgid"] += text
            elif field == "msgid_plural":
                entry["plural"] += text
            elif field.startswith("msgstr"):
                entry["msgstr"][-1] += text
        else:
            raise Failure(f"{path}:{number}: cannot read {raw!r}")
    finish()
    if not entries:
        raise Failure(f"{path}: no messages")
    return entries


def phrase(text, loose):
    """A regex for text: English as whole words, Japanese as a plain substring.

    loose (a term's own name, for "in context"): each word may go on ("roll back" finds "rolled
    back") and a space or a hyphen joins them ("known good", "known-good"). Strict (an avoided
    word): as written, so avoiding "verify-boot" does not avoid "Verify boot".
    """
    words = [w for w in re.split(r"[\s-]+", text) if w]
    if not all(re.fullmatch(r"[\w'’.…]+", w, re.ASCII) for w in words):
        return re.compile(re.escape(text), re.IGNORECASE)
    if loose:
        body = r"[\s-]+".join(re.escape(w) + r"\w*" for w in words)
    else:
        body = r"\s+".join(re.escape(part) for part in text.split())
    return re.compile(r"(?<!\w)" + body + ("" if loose else r"(?!\w)"), re.IGNORECASE)


def check(root):
    terms = read_glossary(root / "docs" / "glossary.md")
    pot = root / "po" / "nixtray.pot"
    ja = root / "po" / "ja.po"
    problems, checked = [], 0
    contexts = {id(t): [phrase(name, True) for name in t["en"]] for t in terms}

    def in_context(term, msgid):
        return any(p.search(msgid) for p in contexts[id(term)])

    for path in (pot, ja):
        for line, msgid, msgstrs in read_catalogue(path):
            checked += 1
            for term in terms:
                for word, scoped in term["avoid_en"]:
                    if phrase(word, False).search(msgid) and (not scoped or in_context(term, msgid)):
                        problems.append(f"{path}:{line}: msgid {msgid!r} says {word!r}; the glossary's name is "
                                        f"{' / '.join(term['en'])!r} ({term['line']})")
                if path != ja:
                    continue
                for msgstr in msgstrs:
                    for word, scoped in term["avoid_ja"]:
                        if phrase(word, False).search(msgstr) and (not scoped or in_context(term, msgid)):
                            problems.append(f"{path}:{line}: msgstr {msgstr!r} (for {msgid!r}) says {word!r}; the "
                                            f"glossary's name is {' / '.join(term['ja'])!r} ({term['line']})")
    return terms, checked, problems


def main():
    root = pathlib.Path(sys.argv[1] if len(sys.argv) > 1 else pathlib.Path(__file__).resolve().parents[2])
    try:
        terms, checked, problems = check(root)
    except (Failure, OSError, UnicodeDecodeError) as e:
        print(f"glossary_check: {e}", file=sys.stderr)
        return 2
    for problem in problems:
        print(problem, file=sys.stderr)
    if problems:
        print(f"glossary_check: {len(problems)} message(s) use a name docs/glossary.md avoids", file=sys.stderr)
        return 1
    print(f"glossary_check: {len(terms)} terms, {checked} messages: every message uses the glossary's names")
    return 0


if __name__ == "__main__":
    sys.exit(main())
