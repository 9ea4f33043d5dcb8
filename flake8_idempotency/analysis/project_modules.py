"""Names that live in other modules of the project: a router, a view base class or a
helper the linted file imports from the project's own modules.

Each module is read from its file (never the file being linted: that one comes from
flake8's ``lines``) and its top-level statements answer, re-exports and ``import *``
followed. astroid is the hard case, imported on first use: a star import from a
module whose ``__all__`` is computed. Nothing outside the project roots is read, so
nothing depends on the frameworks being installed.
"""

from __future__ import annotations

import ast
import contextlib
import os
import sys
from collections.abc import Iterator
from functools import lru_cache
from typing import TYPE_CHECKING, Any, NamedTuple

from ..model.source import SourceFile, parse_text, read_text

if TYPE_CHECKING:  # pragma: no cover
    from astroid import nodes

#: How many re-exports / base classes deep a lookup may go.
MAX_HOPS = 8
#: Project modules kept parsed per run (a whole-project run may read thousands).
MODULE_CACHE_SIZE = 256
#: Lines of parsed project modules kept from one linted file to the next. Every module a
#: file's analysis reads stays parsed until that file is done (nodes are compared by
#: identity within a file); between files only the most recently used stay, up to this
#: many lines. A parsed module costs ~300 bytes per node and is walked by every full
#: garbage collection of the flake8 process: keeping all of them (ckan: 28 modules,
#: 45,000 nodes; prefect: 42, 74,000; mlflow: more) added 20-70 MiB of peak RSS and
#: more time in the collector than parsing them again.
LINES_KEPT_BETWEEN_FILES = 2000


class Definition(NamedTuple):
    """What a name is bound to in its home module, in dotted terms."""

    kind: str  # "call", "class", "function" or "other"
    #: For "call": the dotted callee; for "class": dotted names of the bases.
    dotted: tuple[str, ...]
    #: For "call": keyword arguments that are string literals.
    keywords: tuple[tuple[str, str], ...] = ()
    #: Where it is defined: the home file and the name there (after re-exports).
    path: str = ""
    name: str = ""


class Symbol(NamedTuple):
    """A top-level name in a project file."""

    filename: str
    name: str


def _module_name_for(path: str) -> tuple[str, str]:
    directory, filename = os.path.split(os.path.abspath(path))
    parts = [] if filename == "__init__.py" else [os.path.splitext(filename)[0]]
    while os.path.isfile(os.path.join(directory, "__init__.py")):
        directory, package = os.path.split(directory)
        parts.insert(0, package)
    return ".".join(parts), directory


def _find_module_file(root: str, dotted: str) -> str | None:
    base = os.path.join(root, *dotted.split("."))
    for candidate in (base + ".py", os.path.join(base, "__init__.py")):
        if os.path.isfile(candidate):
            return candidate
    return None


class ModuleCache:
    """``load(path)`` memoised: while a file is analysed (``begin_file`` .. ``end_file``,
    nestable) up to ``size`` modules, least recently used first out, as an
    ``lru_cache``; once it is done, only the most recently used stay, up to
    ``kept_lines`` lines (``len(value.lines)``) in all."""

    def __init__(self, load, size: int = MODULE_CACHE_SIZE, kept_lines: int = LINES_KEPT_BETWEEN_FILES) -> None:
        self._load = load
        self._size = size
        self._kept_lines = kept_lines
        self._entries: dict[str, Any] = {}
        self._depth = 0

    def __call__(self, path: str):
        entries = self._entries
        if path in entries:
            value = entries[path] = entries.pop(path)  # the most recently used last
            return value
        value = entries[path] = self._load(path)
        if self._depth:
            while len(entries) > self._size:
                del entries[next(iter(entries))]
        else:
            self._keep_recent()
        return value

    def begin_file(self) -> None:
        self._depth += 1

    def end_file(self) -> None:
        self._depth = max(0, self._depth - 1)
        if not self._depth:
            self._keep_recent()

    def _keep_recent(self) -> None:
        kept: list[str] = []
        lines = 0
        for path in reversed(self._entries):
            lines += len(getattr(self._entries[path], "lines", ()))
            if lines > self._kept_lines or len(kept) >= self._size:
                break
            kept.append(path)
        if len(kept) < len(self._entries):
            self._entries = {path: self._entries[path] for path in reversed(kept)}

    def __len__(self) -> int:
        return len(self._entries)


class ProjectResolver:
    """Looks names up in the project's other modules. One per run: packages may gain or
    lose an ``__init__.py`` between two lints of an editor, so nothing outlives the run."""

    def __init__(self) -> None:
        self.module_name_for = lru_cache(maxsize=4096)(_module_name_for)
        self._find_module_file = lru_cache(maxsize=4096)(_find_module_file)
        self._module = lru_cache(maxsize=MODULE_CACHE_SIZE)(self._build)
        self.source_file = ModuleCache(_parse_source)
        self.builds = 0

    @contextlib.contextmanager
    def file_scope(self) -> Iterator[None]:
        """One linted file's analysis: the modules it reads stay parsed until it is done."""
        self.source_file.begin_file()
        try:
            yield
        finally:
            self.source_file.end_file()

    def _search_roots(self, from_file: str) -> list[str]:
        """The directories an absolute project import may be relative to."""
        _, root = self.module_name_for(from_file)
        roots = [root]
        parent = os.path.dirname(root)
        for _ in range(3):  # a project root a few levels up (src/ layouts, monorepos)
            if parent == roots[-1]:
                break
            roots.append(parent)
            parent = os.path.dirname(parent)
        return roots

    def find_module_file(self, from_file: str, dotted: str) -> str | None:
        """The project file an import refers to; None outside the project.

        Relative imports (leading dots) are resolved against ``from_file``'s package.
        """
        if dotted.startswith("."):
            level = len(dotted) - len(dotted.lstrip("."))
            module, root = self.module_name_for(from_file)
            package = module.split(".")
            if os.path.basename(from_file) != "__init__.py":
                package = package[:-1]
            if level - 1 > len(package):
                return None
            base = package[: len(package) - (level - 1)]
            rest = dotted.lstrip(".")
            full = ".".join(base + ([rest] if rest else []))
            return self._find_module_file(root, full) if full else None
        for root in self._search_roots(from_file):
            found = self._find_module_file(root, dotted)
            if found:
                return found
        return None

    def resolve_symbol(self, from_file: str, dotted: str) -> Symbol | None:
        """``orders.views.OrderView`` -> (``.../orders/views.py``, ``OrderView``), project files only."""
        parts = dotted.split(".")
        for split in range(len(parts) - 1, 0, -1):
            module = ".".join(parts[:split]) or "."
            if dotted.startswith(".") and not module.strip("."):
                module = dotted[: len(dotted) - len(dotted.lstrip("."))]
            found = self.find_module_file(from_file, module)
            if found:
                return Symbol(os.path.abspath(found), parts[split])
        return None

    def parse_symbol_home(self, from_file: str, dotted: str) -> tuple[SourceFile | None, str]:
        """The parsed project module a dotted name lives in, and the name there."""
        symbol = self.resolve_symbol(from_file, dotted)
        if symbol is None:
            return None, ""
        return self.source_file(symbol.filename), symbol.name

    def _build(self, path: str) -> nodes.Module | None:
        import astroid
        from astroid.builder import AstroidBuilder

        modname, _ = self.module_name_for(path)
        data = read_text(path)
        if data is None:
            return None

        class _NamesOnlyBuilder(AstroidBuilder):
            def delayed_assattr(self, node) -> None:
                """Skipped: it infers every ``self.x = ...`` of the module, which imports
                and builds other modules (seconds on a large project), to record instance
                attributes; only module-level names are looked up here."""

        if not self.builds:
            self._forget_project_modules(astroid.MANAGER, path)
        try:
            builder = _NamesOnlyBuilder(astroid.MANAGER, apply_transforms=False)
            with self._project_importable(path):
                module = builder.string_build(data, modname=modname, path=path)
        except Exception:  # any file the project holds may be broken
            return None
        finally:
            # Cached by this run instead: editors change files between runs.
            astroid.MANAGER.astroid_cache.pop(modname, None)
        self.builds += 1
        return module

    def _forget_project_modules(self, manager: Any, path: str) -> None:
        """astroid remembers, for the life of the process, where modules were (and were
        not) found and the modules it read for a star import: an editor's next run must
        see the project as it is now, so the project's own entries go (astroid's
        bootstrap of the standard library stays: rebuilding it costs ~0.2 s)."""
        getattr(manager, "_mod_file_cache", {}).clear()
        roots = tuple(root + os.sep for root in self._search_roots(path))
        for name, module in list(manager.astroid_cache.items()):
            if (getattr(module, "file", None) or "").startswith(roots):
                del manager.astroid_cache[name]

    @contextlib.contextmanager
    def _project_importable(self, path: str) -> Iterator[None]:
        """The project's roots first on ``sys.path`` while astroid reads ``path``: astroid
        finds the modules a star import names there (it reads them, never imports them),
        however flake8 was started (``flake8`` does not put the project on the path,
        ``python -m flake8`` does)."""
        saved = list(sys.path)
        sys.path[:0] = [root for root in self._search_roots(path) if root not in saved]
        try:
            yield
        finally:
            sys.path[:] = saved

    def lookup(self, from_file: str, dotted: str) -> Definition | None:
        """Follow ``pkg.mod.name`` (re-exports included) to its definition.

        The module's own top-level statements answer most lookups (``ast``, cached);
        astroid is the hard case: a name the module only gets from ``import *``.
        """
        for _ in range(MAX_HOPS):
            module_part, _, name = dotted.rpartition(".")
            if not name:
                return None
            path = self.find_module_file(from_file, module_part or ".")
            source = self.source_file(path) if path else None
            if path is None or source is None:
                return None
            found = _define_from_source(source, name, self.module_name_for(source.filename)[0])
            if found is _STAR_IMPORTED:
                found = self._from_star_imports(path, source, name)
            if found is _COMPUTED_EXPORTS:
                module = self._module(path)
                found = self._define(module, name) if module is not None else None
            if found is None:
                return None
            if isinstance(found, str):  # a re-export: ``from .routers import api``
                dotted, from_file = found, path
                continue
            if not isinstance(found, Definition):
                return None
            return found._replace(path=path, name=name)
        return None

    def _from_star_imports(self, path: str, source: SourceFile, name: str) -> str | object | None:
        """Which ``from x import *`` of the module binds ``name``: read from each x's own
        text (the last star import wins, as at run time), ``__all__`` respected. A
        computed ``__all__`` is astroid's case; a name no project module binds comes
        from the one star import of an outside package, if there is just one."""
        outside = []
        for statement in reversed(source.tree.body):
            if not (isinstance(statement, ast.ImportFrom) and any(alias.name == "*" for alias in statement.names)):
                continue
            module = "." * statement.level + (statement.module or "")
            target = self.find_module_file(path, module)
            if target is None:
                outside.append(module)
                continue
            star_source = self.source_file(target)
            if star_source is None:
                continue
            exported = _exported_names(star_source)
            if exported is _COMPUTED_EXPORTS:
                return _COMPUTED_EXPORTS
            public = name in exported if isinstance(exported, frozenset) else not name.startswith("_")
            if public and _define_from_source(star_source, name, "") is not None:
                return f"{module}.{name}" if not module.endswith(".") else module + name
        if len(outside) == 1 and not outside[0].startswith(".") and not name.startswith("_"):
            return f"{outside[0]}.{name}"
        return None

    def function(self, from_file: str, dotted: str) -> tuple[SourceFile, ast.FunctionDef | ast.AsyncFunctionDef] | None:
        """The project function ``dotted`` names, with its module (re-exports followed)."""
        found = self.lookup(from_file, dotted)
        if found is None or found.kind != "function":
            return None
        source = self.source_file(found.path)
        function = source.functions.get(found.name) if source else None
        return (source, function) if source is not None and function is not None else None

    def class_method(self, from_file: str, dotted: str, method: str):
        """A method of the project class ``dotted`` (defined on the class itself)."""
        found = self.lookup(from_file, dotted)
        if found is None or found.kind != "class":
            return None
        source = self.source_file(found.path)
        cls = source.classes.get(found.name) if source else None
        for statement in cls.body if cls else ():
            if isinstance(statement, (ast.FunctionDef, ast.AsyncFunctionDef)) and statement.name == method:
                return source, statement
        return None

    def _define(self, module: nodes.Module, name: str) -> Definition | str | None:
        from astroid import nodes

        definitions = module.locals.get(name)
        if not definitions:
            return None
        node = definitions[-1]
        if isinstance(node, nodes.ImportFrom):
            real = node.real_name(name)
            return "." * (node.level or 0) + f"{node.modname}.{real}".lstrip(".")
        if isinstance(node, nodes.ClassDef):
            return Definition("class", tuple(filter(None, (_dotted(module, base) for base in node.bases))))
        if isinstance(node, nodes.FunctionDef):  # AsyncFunctionDef is a subclass
            return Definition("function", ())
        if isinstance(node, nodes.AssignName) and isinstance(node.parent, (nodes.Assign, nodes.AnnAssign)):
            value = node.parent.value
            if isinstance(value, nodes.Call):
                callee = _dotted(module, value.func)
                keywords = tuple(
                    (keyword.arg, keyword.value.value)
                    for keyword in value.keywords or ()
                    if keyword.arg and isinstance(keyword.value, nodes.Const) and isinstance(keyword.value.value, str)
                )
                if callee:
                    return Definition("call", (callee,), keywords)
        return Definition("other", ())


#: A name the module does not bind itself but may get from ``from x import *``.
_STAR_IMPORTED = object()


def _define_from_source(source: SourceFile, name: str, modname: str) -> Definition | str | object | None:
    """What the module's last top-level binding of ``name`` (in module ``modname``) is: a
    class, a function, a call's result, or a re-export (the dotted origin, to follow)."""

    def origin(node: ast.expr) -> str | None:
        dotted = source.dotted_name(node)
        if dotted and not source.imported_name(node):
            return f"{modname}.{dotted}" if modname else dotted
        return dotted

    found: Definition | str | None = None
    for statement in source.tree.body:
        if isinstance(statement, ast.ClassDef) and statement.name == name:
            found = Definition("class", tuple(filter(None, map(origin, statement.bases))))
        elif isinstance(statement, (ast.FunctionDef, ast.AsyncFunctionDef)) and statement.name == name:
            found = Definition("function", ())
        elif isinstance(statement, (ast.Assign, ast.AnnAssign)) and name in _assigned_names(statement):
            found = _assigned_definition(statement.value, origin)
        elif isinstance(statement, (ast.Import, ast.ImportFrom)) and name in _imported_names(statement):
            found = source.imports.get(name)
    if found is None and any(
        isinstance(statement, ast.ImportFrom) and any(alias.name == "*" for alias in statement.names)
        for statement in source.tree.body
    ):
        return _STAR_IMPORTED
    return found


#: A module whose ``__all__`` is computed (``a.__all__ + [...]``): only inference knows.
_COMPUTED_EXPORTS = object()


def _exported_names(source: SourceFile) -> frozenset[str] | object | None:
    """The names ``from module import *`` binds: a literal ``__all__``, or None for every
    public name when there is no ``__all__``; ``_COMPUTED_EXPORTS`` otherwise."""
    exported = None
    for statement in source.tree.body:
        if isinstance(statement, (ast.Assign, ast.AnnAssign)) and "__all__" in _assigned_names(statement):
            value = statement.value
            elements = value.elts if isinstance(value, (ast.List, ast.Tuple)) else None
            if elements is None or not all(
                isinstance(element, ast.Constant) and isinstance(element.value, str) for element in elements
            ):
                return _COMPUTED_EXPORTS
            exported = frozenset(element.value for element in elements if isinstance(element, ast.Constant))
        elif isinstance(statement, ast.AugAssign) and getattr(statement.target, "id", None) == "__all__":
            return _COMPUTED_EXPORTS
    return exported


def _assigned_names(statement: ast.Assign | ast.AnnAssign) -> set[str]:
    targets = statement.targets if isinstance(statement, ast.Assign) else [statement.target]
    return {target.id for target in targets if isinstance(target, ast.Name)}


def _imported_names(statement: ast.Import | ast.ImportFrom) -> set[str]:
    return {alias.asname or alias.name.partition(".")[0] for alias in statement.names}


def _assigned_definition(value: ast.expr | None, origin) -> Definition:
    if isinstance(value, ast.Call):
        callee = origin(value.func)
        keywords = tuple(
            (keyword.arg, keyword.value.value)
            for keyword in value.keywords
            if keyword.arg and isinstance(keyword.value, ast.Constant) and isinstance(keyword.value.value, str)
        )
        if callee:
            return Definition("call", (callee,), keywords)
    return Definition("other", ())


def _parse_source(path: str) -> SourceFile | None:
    """Another project module as the same ``ast`` facts the linted file has."""
    return parse_text(path, read_text(path))


def _dotted(module: nodes.Module, node: nodes.NodeNG) -> str | None:
    """Dotted origin of a name/attribute chain in ``module``, through its imports."""
    from astroid import nodes

    parts = []
    while isinstance(node, nodes.Attribute):
        parts.append(node.attrname)
        node = node.expr
    if not isinstance(node, nodes.Name):
        return None
    origin = node.name
    _, assigned = module.lookup(node.name)
    if assigned:
        statement = assigned[0]
        if isinstance(statement, nodes.ImportFrom):
            real = statement.real_name(node.name)
            origin = "." * (statement.level or 0) + f"{statement.modname}.{real}".lstrip(".")
            if statement.level and not statement.modname:
                origin = "." * statement.level + real
        elif isinstance(statement, nodes.Import):
            real = statement.real_name(node.name)
            origin = real if real != node.name else node.name
        else:
            origin = f"{module.name}.{node.name}"
    parts.append(origin)
    return ".".join(reversed(parts))
