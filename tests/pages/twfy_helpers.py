"""The TheyWorkForYou hosts the saved debate pages come from."""

from __future__ import annotations

WWW = "https://www.theyworkforyou.com"
CY = "https://cy.theyworkforyou.com"
HOST_OF = {"en": WWW, "cy": CY}
