"""Run every benchmark module in bench/ that defines main()."""
from __future__ import annotations

import importlib
import pkgutil

import bench


def run_all() -> None:
    """Import each bench module and call its main(), in name order."""
    for module_info in sorted(pkgutil.iter_modules(bench.__path__), key=lambda m: m.name):
        module = importlib.import_module(f"bench.{module_info.name}")
        if hasattr(module, "main"):
            print(f"== bench.{module_info.name}")
            module.main()


if __name__ == "__main__":
    run_all()
