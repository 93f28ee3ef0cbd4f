"""The project's settings as a dict, for components built with ``get_crawler``.

Components read their settings without inline defaults, so a crawler built
from a partial dict lacks the project's values; ``scrapy.utils.test.get_crawler``
starts from Scrapy's defaults only.
"""

from __future__ import annotations

from typing import Any

from crawler import settings as project


def project_settings(**overrides: Any) -> dict[str, Any]:
    """Every setting ``crawler/settings.py`` declares, with ``overrides`` over them."""
    declared = {name: getattr(project, name) for name in dir(project) if name.isupper()}
    return {**declared, **overrides}
