"""The accountability settings in one typed object, read once from :class:`Settings`."""

from __future__ import annotations

from dataclasses import dataclass, field
from zoneinfo import ZoneInfo

from netiquette.accountability.dsa import EEA
from netiquette.errors import ConfigError
from netiquette.review.wait import Staffing
from netiquette.screening.houserules import HouseRules, shipped_house_rules
from netiquette.settings import Settings


@dataclass(frozen=True, slots=True)
class AccountabilityConfig:
    """What statements, appeals, retention and wait estimates need to know about the site."""

    staffing: Staffing = field(default_factory=lambda: Staffing.parse("06:00-23:00"))
    house_rules_url: str = ""
    puid_prefix: str = "netiquette"
    territorial_scope: tuple[str, ...] = ("DE",)
    appeal_days: int = 183
    retention_days: int = 190
    default_wait_seconds: int = 600
    content_language: str = "DE"
    #: The site's house rules (labels, descriptions, DSA categories of statements and reports).
    house_rules: HouseRules = field(default_factory=shipped_house_rules)

    @property
    def zone(self) -> ZoneInfo:
        """The site's time zone (dates in statements are local dates)."""
        return self.staffing.zone

    @classmethod
    def from_settings(
        cls, settings: Settings, house_rules: HouseRules | None = None
    ) -> AccountabilityConfig:
        """Read and check the settings; ``house_rules`` as built at start-up (else read now)."""
        scope = tuple(
            code.strip().upper()
            for code in str(settings.sor_territorial_scope).split(",")
            if code.strip()
        )
        unknown = [code for code in scope if code not in EEA]
        if unknown or not scope:
            raise ConfigError(
                f"sor_territorial_scope: {unknown[0] if unknown else '(empty)'!r} is not an "
                "EU/EEA country code such as DE or AT",
                field="sor_territorial_scope",
            )
        url = str(settings.house_rules_url).strip()
        if url and not url.startswith(("http://", "https://")):
            raise ConfigError("house_rules_url must start with https://", field="house_rules_url")
        return cls(
            staffing=Staffing.parse(settings.staffing_hours, settings.timezone),
            house_rules_url=url,
            puid_prefix=str(settings.sor_puid_prefix),
            territorial_scope=scope,
            appeal_days=int(settings.appeal_days),
            retention_days=int(settings.retention_rejected_days),
            default_wait_seconds=int(settings.default_wait_seconds),
            house_rules=house_rules if house_rules is not None else _site_rules(settings),
        )


def _site_rules(settings: Settings) -> HouseRules:
    # Commands that take no pipeline (report, export-sor) read the site's rules once here.
    from pathlib import Path

    from netiquette.screening.pipeline import load_house_rules

    path = Path(settings.screening_config) if settings.screening_config else None
    return load_house_rules(path)
