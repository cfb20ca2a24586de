"""A realistic, deterministic demo factory: a cable plant in Wuxi, Jiangsu.

`build_demo_package` writes a complete full-year data package (see
``docs/data-package.md`` and ``docs/demo.md``). The models behind it live in
one module each: `weather`, `pv`, `workdays`, `load`, `gas`, `ledgers`.
Needs the ``demo`` extra (pvlib).
"""

from lingtan.demo.package import build_demo_package

__all__ = ["build_demo_package"]
