from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, Self, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

if TYPE_CHECKING:
    from ..models.log_entry import LogEntry


T = TypeVar("T", bound="SystemLog")


@_attrs_define
class SystemLog:
    """vlab's recent log on the node that answers, oldest first.

    Attributes:
        dropped (int): Older entries dropped so far to keep the log within `max_bytes`.
        entries (list[LogEntry]):
        max_bytes (int):
        node (str):
    """

    dropped: int
    entries: list[LogEntry]
    max_bytes: int
    node: str
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        dropped = self.dropped

        entries = []
        for entries_item_data in self.entries:
            entries_item = entries_item_data.to_dict()
            entries.append(entries_item)

        max_bytes = self.max_bytes

        node = self.node

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "dropped": dropped,
                "entries": entries,
                "max_bytes": max_bytes,
                "node": node,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        from ..models.log_entry import LogEntry

        d = dict(src_dict)
        dropped = d.pop("dropped")

        entries = []
        _entries = d.pop("entries")
        for entries_item_data in _entries:
            entries_item = LogEntry.from_dict(entries_item_data)

            entries.append(entries_item)

        max_bytes = d.pop("max_bytes")

        node = d.pop("node")

        system_log = cls(
            dropped=dropped,
            entries=entries,
            max_bytes=max_bytes,
            node=node,
        )

        system_log.additional_properties = d
        return system_log

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
