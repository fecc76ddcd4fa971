from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Self, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

T = TypeVar("T", bound="NetworkMetrics")


@_attrs_define
class NetworkMetrics:
    """Network traffic since the VM started, where its backend counts it.

    Attributes:
        available (bool): Counters exist (a tap device); without them the bytes are `null`.
        note (None | str | Unset): Why there are no counters, when there are none.
        rx_bytes (int | None | Unset):
        tx_bytes (int | None | Unset):
    """

    available: bool
    note: None | str | Unset = UNSET
    rx_bytes: int | None | Unset = UNSET
    tx_bytes: int | None | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        available = self.available

        note: None | str | Unset
        if isinstance(self.note, Unset):
            note = UNSET
        else:
            note = self.note

        rx_bytes: int | None | Unset
        if isinstance(self.rx_bytes, Unset):
            rx_bytes = UNSET
        else:
            rx_bytes = self.rx_bytes

        tx_bytes: int | None | Unset
        if isinstance(self.tx_bytes, Unset):
            tx_bytes = UNSET
        else:
            tx_bytes = self.tx_bytes

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "available": available,
            }
        )
        if note is not UNSET:
            field_dict["note"] = note
        if rx_bytes is not UNSET:
            field_dict["rx_bytes"] = rx_bytes
        if tx_bytes is not UNSET:
            field_dict["tx_bytes"] = tx_bytes

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        d = dict(src_dict)
        available = d.pop("available")

        def _parse_note(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        note = _parse_note(d.pop("note", UNSET))

        def _parse_rx_bytes(data: object) -> int | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(int | None | Unset, data)

        rx_bytes = _parse_rx_bytes(d.pop("rx_bytes", UNSET))

        def _parse_tx_bytes(data: object) -> int | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(int | None | Unset, data)

        tx_bytes = _parse_tx_bytes(d.pop("tx_bytes", UNSET))

        network_metrics = cls(
            available=available,
            note=note,
            rx_bytes=rx_bytes,
            tx_bytes=tx_bytes,
        )

        network_metrics.additional_properties = d
        return network_metrics

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
