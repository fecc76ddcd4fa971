from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Self, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

T = TypeVar("T", bound="KindQueue")


@_attrs_define
class KindQueue:
    """
    Attributes:
        kind (str):
        oldest_age_secs (int):
        oldest_at (str): When the oldest unfinished one was asked for (RFC 3339), and how long ago.
        pending (int):
        running (int):
    """

    kind: str
    oldest_age_secs: int
    oldest_at: str
    pending: int
    running: int
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        kind = self.kind

        oldest_age_secs = self.oldest_age_secs

        oldest_at = self.oldest_at

        pending = self.pending

        running = self.running

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "kind": kind,
                "oldest_age_secs": oldest_age_secs,
                "oldest_at": oldest_at,
                "pending": pending,
                "running": running,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        d = dict(src_dict)
        kind = d.pop("kind")

        oldest_age_secs = d.pop("oldest_age_secs")

        oldest_at = d.pop("oldest_at")

        pending = d.pop("pending")

        running = d.pop("running")

        kind_queue = cls(
            kind=kind,
            oldest_age_secs=oldest_age_secs,
            oldest_at=oldest_at,
            pending=pending,
            running=running,
        )

        kind_queue.additional_properties = d
        return kind_queue

    @property
    def additional_keys(self) -> list[str]:
        return list(self.additional_properties.keys())

    def __getitem__(self, key: str) -> Any:
        return self.additional_properties[key]

    def __setitem__(self, key: str, value: Any) -> None:
        self.additional_properties[key] = value

    def __delitem__(self, key: str) -> None:
        del self.additional_properties[key]

    def __contains__(self, key: str) -> bool:
        return key in self.additional_properties
