"""Run every benchmark module in bench/ (each defines main())."""
from __future__ import annotations

import importlib
import pkgutil

import bench

for module_info in sorted(pkgutil.iter_modules(bench.__path__), key=lambda m: m.name):
    if module_info.name.startswith("_"):
        continue
    module = importlib.import_module(f"bench.{module_info.name}")
    if hasattr(module, "main"):
        print(f"== {module_info.name}")
        module.main()
