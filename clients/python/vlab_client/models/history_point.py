from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Self, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

T = TypeVar("T", bound="HistoryPoint")


@_attrs_define
class HistoryPoint:
    """One step of a VM's history: averages over the step, rates per second.

    Attributes:
        at (str): The step's start, RFC 3339.
        cpu_percent (float):
        read_bytes_per_sec (float):
        rss_bytes (int):
        vcpu_percent (float):
        write_bytes_per_sec (float):
        rx_bytes_per_sec (float | None | Unset): `null` where the VM's network has no counters.
        tx_bytes_per_sec (float | None | Unset):
    """

    at: str
    cpu_percent: float
    read_bytes_per_sec: float
    rss_bytes: int
    vcpu_percent: float
    write_bytes_per_sec: float
    rx_bytes_per_sec: float | None | Unset = UNSET
    tx_bytes_per_sec: float | None | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        at = self.at

        cpu_percent = self.cpu_percent

        read_bytes_per_sec = self.read_bytes_per_sec

        rss_bytes = self.rss_bytes

        vcpu_percent = self.vcpu_percent

        write_bytes_per_sec = self.write_bytes_per_sec

        rx_bytes_per_sec: float | None | Unset
        if isinstance(self.rx_bytes_per_sec, Unset):
            rx_bytes_per_sec = UNSET
        else:
            rx_bytes_per_sec = self.rx_bytes_per_sec

        tx_bytes_per_sec: float | None | Unset
        if isinstance(self.tx_bytes_per_sec, Unset):
            tx_bytes_per_sec = UNSET
        else:
            tx_bytes_per_sec = self.tx_bytes_per_sec

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "at": at,
                "cpu_percent": cpu_percent,
                "read_bytes_per_sec": read_bytes_per_sec,
                "rss_bytes": rss_bytes,
                "vcpu_percent": vcpu_percent,
                "write_bytes_per_sec": write_bytes_per_sec,
            }
        )
        if rx_bytes_per_sec is not UNSET:
            field_dict["rx_bytes_per_sec"] = rx_bytes_per_sec
        if tx_bytes_per_sec is not UNSET:
            field_dict["tx_bytes_per_sec"] = tx_bytes_per_sec

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        d = dict(src_dict)
        at = d.pop("at")

        cpu_percent = d.pop("cpu_percent")

        read_bytes_per_sec = d.pop("read_bytes_per_sec")

        rss_bytes = d.pop("rss_bytes")

        vcpu_percent = d.pop("vcpu_percent")

        write_bytes_per_sec = d.pop("write_bytes_per_sec")

        def _parse_rx_bytes_per_sec(data: object) -> float | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(float | None | Unset, data)

        rx_bytes_per_sec = _parse_rx_bytes_per_sec(d.pop("rx_bytes_per_sec", UNSET))

        def _parse_tx_bytes_per_sec(data: object) -> float | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(float | None | Unset, data)

        tx_bytes_per_sec = _parse_tx_bytes_per_sec(d.pop("tx_bytes_per_sec", UNSET))

        history_point = cls(
            at=at,
            cpu_percent=cpu_percent,
            read_bytes_per_sec=read_bytes_per_sec,
            rss_bytes=rss_bytes,
            vcpu_percent=vcpu_percent,
            write_bytes_per_sec=write_bytes_per_sec,
            rx_bytes_per_sec=rx_bytes_per_sec,
            tx_bytes_per_sec=tx_bytes_per_sec,
        )

        history_point.additional_properties = d
        return history_point

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
