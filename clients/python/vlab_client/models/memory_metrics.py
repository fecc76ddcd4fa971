from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Self, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

T = TypeVar("T", bound="MemoryMetrics")


@_attrs_define
class MemoryMetrics:
    """
    Attributes:
        configured_mib (int): The memory the VM was given.
        rss_bytes (int): Host memory its QEMU holds now (resident set).
        guest_note (None | str | Unset):
        guest_used_bytes (int | None | Unset): Memory in use inside the guest, when the guest reports it (a balloon
            driver or guest agent); `null` otherwise, with `guest_note` saying why.
    """

    configured_mib: int
    rss_bytes: int
    guest_note: None | str | Unset = UNSET
    guest_used_bytes: int | None | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        configured_mib = self.configured_mib

        rss_bytes = self.rss_bytes

        guest_note: None | str | Unset
        if isinstance(self.guest_note, Unset):
            guest_note = UNSET
        else:
            guest_note = self.guest_note

        guest_used_bytes: int | None | Unset
        if isinstance(self.guest_used_bytes, Unset):
            guest_used_bytes = UNSET
        else:
            guest_used_bytes = self.guest_used_bytes

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "configured_mib": configured_mib,
                "rss_bytes": rss_bytes,
            }
        )
        if guest_note is not UNSET:
            field_dict["guest_note"] = guest_note
        if guest_used_bytes is not UNSET:
            field_dict["guest_used_bytes"] = guest_used_bytes

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        d = dict(src_dict)
        configured_mib = d.pop("configured_mib")

        rss_bytes = d.pop("rss_bytes")

        def _parse_guest_note(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        guest_note = _parse_guest_note(d.pop("guest_note", UNSET))

        def _parse_guest_used_bytes(data: object) -> int | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(int | None | Unset, data)

        guest_used_bytes = _parse_guest_used_bytes(d.pop("guest_used_bytes", UNSET))

        memory_metrics = cls(
            configured_mib=configured_mib,
            rss_bytes=rss_bytes,
            guest_note=guest_note,
            guest_used_bytes=guest_used_bytes,
        )

        memory_metrics.additional_properties = d
        return memory_metrics

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
