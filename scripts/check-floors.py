#!/usr/bin/env python3
"""The persistence crate's floors hold: a module uses only its own floor and those below it,
and a use case never uses another use case.

The floors, lowest first, are the folders of `persistence/src`: base < tables < shared <
use_cases (see `persistence/src/lib.rs`). Every module path a file names (`crate::a::b`,
`super::x`, `self::y`, as `scripts/check-module-cycles.py` reads them, comments left out) is
resolved to the deepest module that exists as a file; naming a module on a higher floor, or
a use case naming another one, is a violation. So is naming one of the paths the crate root
keeps for callers outside the crate (`crate::invite`, `crate::models`, …): inside the crate a
module names the floor it uses. Exit status 1 and each violation printed when there are any.
"""

import importlib.util
import os
import re
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
SRC = os.path.join(HERE, "..", "persistence", "src")
FLOORS = ["base", "tables", "shared", "use_cases"]

spec = importlib.util.spec_from_file_location(
    "module_cycles", os.path.join(HERE, "check-module-cycles.py")
)
cycles = importlib.util.module_from_spec(spec)
spec.loader.exec_module(cycles)

CRATE_PATH = re.compile(r"\bcrate::([a-z_][a-z0-9_]*)")


def floor_of(module):
    return module[0] if module and module[0] in FLOORS else None


def name(module):
    return "::".join(module) or "(crate root)"


def violations():
    modules = cycles.modules_of(SRC)
    found = []
    for module, path in sorted(modules.items()):
        floor = floor_of(module)
        if floor is None:
            continue  # the crate root: it declares the floors and keeps callers' paths
        with open(path, encoding="utf-8") as f:
            text = f.read()
        rel = os.path.relpath(path, os.path.join(SRC, "..", ".."))
        for first in sorted(set(CRATE_PATH.findall(cycles.strip_comments(text)))):
            if first not in FLOORS:
                found.append(
                    f"{rel}: names `crate::{first}`, a path kept for callers outside the "
                    f"crate; name the floor's module instead"
                )
        targets = {cycles.deepest(ref, modules) for ref in cycles.references(module, text)}
        for target in sorted(t for t in targets if t is not None):
            if target == module:
                continue
            to = floor_of(target)
            if to is None:
                continue
            if FLOORS.index(to) > FLOORS.index(floor):
                found.append(
                    f"{rel}: `{name(module)}` ({floor}) uses `{name(target)}` ({to}), a "
                    f"higher floor; a module uses only its own floor and those below "
                    f"({' < '.join(FLOORS)})"
                )
            elif floor == to == "use_cases":
                related = target[: len(module)] == module or module[: len(target)] == target
                if not related:
                    found.append(
                        f"{rel}: use case `{name(module)}` uses use case `{name(target)}`; "
                        f"use cases never use each other (move what they share down to "
                        f"`shared` or `tables`)"
                    )
    return found


def main():
    found = violations()
    for line in found:
        print("floor violation: " + line)
    if found:
        sys.exit(1)
    print("floors: persistence keeps " + " < ".join(FLOORS) + ", use cases apart")


if __name__ == "__main__":
    main()
