#!/usr/bin/env python3
"""The pictures README.md and README.ja.md show exist, and are PNGs (a screenshot that was moved or
renamed would leave a broken image on the project's front page).

Usage: readme_images_check.py REPOSITORY_ROOT
"""
import os
import re
import sys

IMAGE = re.compile(r"!\[[^\]]*\]\(([^)\s]+)\)")


def main():
    root = sys.argv[1]
    problems = []
    shown = 0
    for readme in ("README.md", "README.ja.md"):
        with open(os.path.join(root, readme), encoding="utf-8") as text:
            for number, line in enumerate(text, 1):
                for path in IMAGE.findall(line):
                    shown += 1
                    full = os.path.join(root, path)
                    if not os.path.isfile(full):
                        problems.append(f"{readme}:{number}: {path} does not exist")
                        continue
                    with open(full, "rb") as picture:
                        if picture.read(8) != b"\x89PNG\r\n\x1a\n":
                            problems.append(f"{readme}:{number}: {path} is not a PNG")
    for problem in problems:
        print("readme_images_check: " + problem)
    if shown == 0:
        print("readme_images_check: the READMEs show no picture")
        return 1
    if problems:
        return 1
    print(f"readme_images_check: the {shown} pictures the READMEs show exist")
    return 0


if __name__ == "__main__":
    sys.exit(main())
