"""The layout the README describes holds: arrows one way, no import circles.

Read from the source with ``ast``, so a new module is checked without a list.
"""

import ast
import collections
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
# Each app may import only the apps after it on its line.
ALLOWED = {
    "workbench": {"cms", "facilitation", "strategy", "judging", "ideas", "ml"},
    "cms": {"strategy", "judging", "ideas", "ml"},
    "facilitation": {"strategy", "judging", "ideas", "ml"},
    "strategy": {"ideas", "ml"},
    "judging": {"ideas", "ml"},
    "ideas": {"ml"},
    "ml": set(),
}


def modules():
    """(module name, parsed tree) of every project module but migrations."""
    for app in ALLOWED:
        for path in sorted((ROOT / app).rglob("*.py")):
            if "migrations" in path.parts:
                continue
            name = ".".join(path.relative_to(ROOT).with_suffix("").parts)
            name = name.removesuffix(".__init__")
            yield name, ast.parse(path.read_text(encoding="utf-8"))


def imports(tree, *, top_level_only: bool):
    """The modules a tree imports, at module level only or anywhere."""
    nodes = tree.body if top_level_only else ast.walk(tree)
    for node in nodes:
        if isinstance(node, ast.Import):
            yield from (alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
            yield node.module
            # "from ideas import services" imports the module ideas.services.
            yield from (f"{node.module}.{alias.name}" for alias in node.names)


def test_apps_import_only_the_layers_below_them():
    wrong = []
    for name, tree in modules():
        app = name.split(".")[0]
        for target in imports(tree, top_level_only=False):
            root = target.split(".")[0]
            if root in ALLOWED and root != app and root not in ALLOWED[app]:
                wrong.append(f"{name} imports {target}")
            if app == "ml" and root in ("django", "wagtail"):
                wrong.append(f"{name} imports {target}: ml/ knows no Django")
    assert not wrong, "\n".join(sorted(set(wrong)))


def test_selectors_read_only_they_import_no_services_or_tasks():
    wrong = [
        f"{name} imports {target}"
        for name, tree in modules()
        if ".selectors" in name or name.endswith("selectors")
        for target in imports(tree, top_level_only=False)
        if ".services" in target or target.endswith(".tasks")
    ]
    assert not wrong, "\n".join(sorted(set(wrong)))


def test_no_module_level_import_circle():
    known = dict(modules())
    graph = collections.defaultdict(set)
    for name, tree in known.items():
        for target in imports(tree, top_level_only=True):
            if target in known and target != name:
                graph[name].add(target)
    circles, done, path = [], set(), []

    def visit(node):
        if node in path:
            circles.append(" → ".join([*path[path.index(node) :], node]))
            return
        if node in done:
            return
        path.append(node)
        for target in sorted(graph[node]):
            # A package importing its own submodules to re-export them is
            # how a package offers one namespace; it is not a circle.
            if not target.startswith(node + "."):
                visit(target)
        path.pop()
        done.add(node)

    for name in sorted(known):
        visit(name)
    assert not circles, "\n".join(circles)
