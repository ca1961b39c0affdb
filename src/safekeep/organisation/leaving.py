"""What a leaver still has open, gathered from every app that holds something of theirs.

Each app above organisation (accounts, devices, records, sites, …) registers a provider in
its AppConfig.ready; the leaver checklist, IG's page and `safekeep leavers --json` ask
`leaver_items` and so never import the apps that hold the things. An item is done or
outstanding; `item` is the DESIGN.md name ("sign_in", "door_code", "device", "reallocate",
"paper_file", …) and `detail` the fields `safekeep leavers --json` prints beside it.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field

from safekeep.organisation.models import StaffMember


@dataclass(frozen=True, slots=True)
class LeaverItem:
    item: str
    done: bool
    label: str  # plain words for the checklist page, e.g. "Main entrance code at Hillside"
    detail: Mapping[str, str] = field(default_factory=dict)

    def sort_key(self) -> tuple[str, tuple[tuple[str, str], ...]]:
        return self.item, tuple(sorted(self.detail.items()))


LeaverItemsProvider = Callable[[StaffMember], list[LeaverItem]]

_providers: dict[str, LeaverItemsProvider] = {}


def register_leaver_items(name: str) -> Callable[[LeaverItemsProvider], LeaverItemsProvider]:
    """Decorator: `provider(staff)` lists what `name` (an app's part) holds of a leaver."""

    def add(provider: LeaverItemsProvider) -> LeaverItemsProvider:
        if name in _providers and _providers[name] is not provider:
            raise ValueError(f"two leaver-item providers are called {name!r}")
        _providers[name] = provider
        return provider

    return add


def leaver_items(staff: StaffMember) -> list[LeaverItem]:
    """Every item, done or outstanding, of `staff`, sorted as `safekeep leavers` prints them."""
    items = [item for name in sorted(_providers) for item in _providers[name](staff)]
    return sorted(items, key=LeaverItem.sort_key)
