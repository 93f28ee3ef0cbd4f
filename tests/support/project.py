"""The project's settings as a dict, for components built with ``get_crawler``.

Components read their settings without inline defaults, so a crawler built
from a partial dict lacks the project's values; ``scrapy.utils.test.get_crawler``
starts from Scrapy's defaults only.
"""

from __future__ import annotations

from typing import Any

from crawler import settings as project

# Left out: get_crawler builds the extensions and add-ons it is given, and the
# project's would take the corpus lock of CORPUS_DIR for the whole test run. A
# test builds the one component it tests.
COMPONENT_SETTINGS = frozenset(
    {"ADDONS", "EXTENSIONS", "DOWNLOADER_MIDDLEWARES", "SPIDER_MIDDLEWARES", "ITEM_PIPELINES"}
)


def project_settings(**overrides: Any) -> dict[str, Any]:
    """The values ``crawler/settings.py`` declares, without its component lists,
    with ``overrides`` over them."""
    declared = {
        name: getattr(project, name)
        for name in dir(project)
        if name.isupper() and name not in COMPONENT_SETTINGS
    }
    return {**declared, **overrides}
