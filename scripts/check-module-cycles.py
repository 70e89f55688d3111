#!/usr/bin/env python3
"""No module imports another that imports it back, directly or through others, in any crate.

Reads every `.rs` file under each crate's `src/`, takes the modules it names (`crate::a::b`,
`super::x`, `self::y`, in `use` lines and in paths anywhere in the code), resolves each to the
deepest module that exists as a file, and looks for cycles in that graph (Tarjan's strongly
connected components). A module's own submodules declared with `mod` are not imports; a
`pub use child::X` re-export is. Test modules (`#[cfg(test)] mod tests { ... }` inside a file)
count as their file. Exit status 1 and the cycles printed when there are any.
"""

import os
import re
import sys

ROOT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..")
CRATES = ["domain", "persistence", "api"]
PATH = re.compile(r"\b(crate|super|self)((?:::[A-Za-z_][A-Za-z0-9_]*)+)")
GROUP = re.compile(r"\b(crate|super|self)::((?:[A-Za-z_][A-Za-z0-9_]*::)*)\{([^{}]*)\}")


def modules_of(src):
    """Module path (tuple) for every file of a crate."""
    found = {}
    for dirpath, _, files in os.walk(src):
        for name in files:
            if not name.endswith(".rs"):
                continue
            rel = os.path.relpath(os.path.join(dirpath, name), src)
            parts = rel[:-3].split(os.sep)
            if parts[-1] in ("lib", "main", "mod"):
                parts = parts[:-1]
            if parts and parts[0] == "bin":
                continue
            found[tuple(parts)] = os.path.join(dirpath, name)
    return found


def strip_comments(text):
    text = re.sub(r"/\*.*?\*/", "", text, flags=re.S)
    return re.sub(r"//[^\n]*", "", text)


def references(module, text):
    """Every module path the file names, as absolute tuples."""
    text = strip_comments(text)
    paths = []
    # `use crate::a::{b, c::d}` names a::b and a::c::d.
    for root, prefix, inner in GROUP.findall(text):
        base = [p for p in prefix.split("::") if p]
        for item in inner.split(","):
            item = item.strip().split(" as ")[0].strip()
            if not item or item == "self":
                paths.append((root, base))
            else:
                paths.append((root, base + item.split("::")))
    for root, rest in PATH.findall(text):
        paths.append((root, [p for p in rest.split("::") if p]))
    resolved = []
    for root, parts in paths:
        if root == "crate":
            start = []
        elif root == "self":
            start = list(module)
        else:
            start = list(module[:-1])
            while parts and parts[0] == "super":
                start = start[:-1]
                parts = parts[1:]
        resolved.append(tuple(start + parts))
    return resolved


def deepest(path, modules):
    for n in range(len(path), 0, -1):
        if path[:n] in modules:
            return path[:n]
    return None


def cycles(graph):
    index, low, stack, on, out = {}, {}, [], set(), []
    counter = [0]

    def visit(v):
        index[v] = low[v] = counter[0]
        counter[0] += 1
        stack.append(v)
        on.add(v)
        for w in graph.get(v, ()):
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            scc = []
            while True:
                w = stack.pop()
                on.discard(w)
                scc.append(w)
                if w == v:
                    break
            if len(scc) > 1:
                out.append(sorted(scc))

    sys.setrecursionlimit(10000)
    for v in list(graph):
        if v not in index:
            visit(v)
    return out


def main():
    failed = False
    for crate in CRATES:
        src = os.path.join(ROOT, crate, "src")
        modules = modules_of(src)
        graph = {}
        for module, path in modules.items():
            with open(path, encoding="utf-8") as f:
                text = f.read()
            edges = set()
            for ref in references(module, text):
                target = deepest(ref, modules)
                # A module naming itself or one of its ancestors' own items is not an edge to
                # a sibling; naming an ancestor module (its items) is.
                if target is None or target == module or target == ():
                    continue
                edges.add(target)
            graph[module] = edges
        found = cycles(graph)
        for scc in found:
            failed = True
            names = ", ".join("::".join(m) or "(crate root)" for m in scc)
            print(f"module cycle in {crate}: {names}")
    if failed:
        sys.exit(1)
    print("modules: no cycles in " + ", ".join(CRATES))


if __name__ == "__main__":
    main()
